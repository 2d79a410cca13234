using System.Buffers;
using System.Globalization;
using SessionStore.IntegrationTests;

namespace SessionStore.FaultTests.Model;

/// <summary>
/// One lane of <see cref="ConcurrentLanesModelTests"/>: its own keys (a prefix of its own before the single-lane test's
/// key names) and its own <see cref="CacheModel"/>, on a cache that many lanes share. It performs one operation at a time,
/// checks every Get against its model, and keeps its history, so that a divergence names what led to it.
/// </summary>
internal sealed class ModelLane(int number, CacheUnderTest sut, TimeSpan defaultSlidingExpiration)
{
    // As in ModelBasedTests: case-sensitive twins, a non-ASCII key and a long one.
    private static readonly string[] s_keyNames = ["a", "A", "ключ-🔑", new('k', 300)];

    private readonly CacheModel _model = new(defaultSlidingExpiration);
    private readonly string _prefix = Guid.NewGuid().ToString("N");
    private readonly List<string> _history = [];

    public int Number => number;

    private string Key(int index) => $"{_prefix}:{s_keyNames[index]}";

    /// <summary>Performs <paramref name="operation"/> at <paramref name="now"/> (the shared clock's time for this whole round).</summary>
    public async Task StepAsync(int round, DateTimeOffset now, DateTimeOffset start, CacheOperation operation)
    {
        _history.Add(string.Create(CultureInfo.InvariantCulture, $"round {round + 1} at +{(now - start).TotalSeconds:0}s: {operation}"));
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
                break;
            }

            case GetOperation get:
            {
                var actual = await GetAsync(Key(get.Key), get.Api);
                var expected = _model.Get(now, Key(get.Key));
                if (!SameValue(expected, actual))
                {
                    throw new InvalidOperationException(
                        $"Lane {number}, round {round + 1}, {get}: the model has {Show(expected)}, the cache returned {Show(actual)}.{Environment.NewLine}" +
                        $"The lane's operations:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", _history));
                }

                break;
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
                break;

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
                break;

            default:
                throw new InvalidOperationException($"A lane does not move the shared clock: {operation}");
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
