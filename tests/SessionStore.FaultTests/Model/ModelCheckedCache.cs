using System.Buffers;
using SessionStore.IntegrationTests;

namespace SessionStore.FaultTests.Model;

/// <summary>
/// A cache under test and the <see cref="CacheModel"/> it must agree with, over keys of their own (a fresh prefix before
/// case-sensitive twins, a non-ASCII key and a long one). <see cref="ApplyAsync"/> performs one Set, Get, Refresh or Remove
/// on both, through the API the operation names, and compares what a Get returns. Moving the clock is the caller's: the
/// single-lane test moves it between operations, the concurrent one between rounds, for all lanes at once.
/// </summary>
internal sealed class ModelCheckedCache(CacheUnderTest sut, TimeSpan defaultSlidingExpiration)
{
    private static readonly string[] s_keyNames = ["a", "A", "ключ-🔑", new('k', 300)];

    private readonly CacheModel _model = new(defaultSlidingExpiration);
    private readonly string _prefix = Guid.NewGuid().ToString("N");

    private string Key(int index) => $"{_prefix}:{s_keyNames[index]}";

    /// <summary>
    /// Performs <paramref name="operation"/> at <paramref name="now"/> on the cache and on the model. Returns null, or for a
    /// Get whose result differs from the model's, what each had (the caller says where in its run that happened).
    /// </summary>
    public async Task<string?> ApplyAsync(CacheOperation operation, DateTimeOffset now)
    {
        switch (operation)
        {
            case SetOperation set:
            {
                var options = set.Options(now);
                switch (set.Api)
                {
                    case Api.Sync:
                        sut.Cache.Set(Key(set.Key), set.Value, options);
                        break;
                    case Api.Async:
                        await sut.Cache.SetAsync(Key(set.Key), set.Value, options);
                        break;
                    default:
                        await sut.BufferCache.SetAsync(Key(set.Key), new ReadOnlySequence<byte>(set.Value), options);
                        break;
                }

                _model.Set(now, Key(set.Key), set.Value, options);
                return null;
            }

            case GetOperation get:
            {
                var actual = await GetAsync(Key(get.Key), get.Api);
                var expected = _model.Get(now, Key(get.Key));
                return SameValue(expected, actual) ? null : $"the model has {Show(expected)}, the cache returned {Show(actual)}";
            }

            case RefreshOperation refresh:
                if (refresh.IsAsync)
                {
                    await sut.Cache.RefreshAsync(Key(refresh.Key));
                }
                else
                {
                    sut.Cache.Refresh(Key(refresh.Key));
                }

                _model.Refresh(now, Key(refresh.Key));
                return null;

            case RemoveOperation remove:
                if (remove.IsAsync)
                {
                    await sut.Cache.RemoveAsync(Key(remove.Key));
                }
                else
                {
                    sut.Cache.Remove(Key(remove.Key));
                }

                _model.Remove(Key(remove.Key));
                return null;

            default:
                throw new ArgumentException($"Not an operation on the cache (the clock is the caller's to move): {operation}", nameof(operation));
        }
    }

    private async Task<byte[]?> GetAsync(string key, Api api)
    {
        switch (api)
        {
            case Api.Sync:
                return sut.Cache.Get(key);
            case Api.Async:
                return await sut.Cache.GetAsync(key);
            default:
                var destination = new ArrayBufferWriter<byte>();
                return await sut.BufferCache.TryGetAsync(key, destination) ? destination.WrittenSpan.ToArray() : null;
        }
    }

    private static bool SameValue(byte[]? expected, byte[]? actual) =>
        expected is null ? actual is null : actual is not null && expected.AsSpan().SequenceEqual(actual);

    private static string Show(byte[]? value) => value is null ? "nothing" : $"[{Convert.ToHexString(value)}]";
}
