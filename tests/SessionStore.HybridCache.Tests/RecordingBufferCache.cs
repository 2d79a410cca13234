using System.Buffers;
using System.Collections.Concurrent;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.HybridCache.Tests;

/// <summary>
/// Stands between HybridCache and the real <see cref="DbiSessionCache"/> (which is sealed, so it is wrapped, not
/// subclassed): forwards every call and records which members HybridCache called, what it wrote through the buffer API,
/// and any exception — HybridCache logs and swallows L2 failures, so without this a broken L2 would look like a miss.
/// </summary>
internal sealed class RecordingBufferCache(DbiSessionCache inner) : IBufferDistributedCache
{
    public const string GetBytes = "Get(key) -> byte[]";
    public const string GetBytesAsync = "GetAsync(key) -> byte[]";
    public const string SetBytes = "Set(key, byte[])";
    public const string SetBytesAsync = "SetAsync(key, byte[])";
    public const string TryGetBuffer = "TryGet(key, IBufferWriter)";
    public const string TryGetBufferAsync = "TryGetAsync(key, IBufferWriter)";
    public const string SetSequence = "Set(key, ReadOnlySequence)";
    public const string SetSequenceAsync = "SetAsync(key, ReadOnlySequence)";
    public const string RefreshKey = "Refresh(key)";
    public const string RefreshKeyAsync = "RefreshAsync(key)";
    public const string RemoveKey = "Remove(key)";
    public const string RemoveKeyAsync = "RemoveAsync(key)";

    /// <summary>The members that take or return a <see cref="byte"/> array: HybridCache must not need them.</summary>
    public static readonly IReadOnlyList<string> ByteArrayMembers = [GetBytes, GetBytesAsync, SetBytes, SetBytesAsync];

    private readonly ConcurrentDictionary<string, int> _calls = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<long>> _writes = new();
    private readonly ConcurrentQueue<string> _hits = new();
    private readonly ConcurrentQueue<Exception> _failures = new();

    public DbiSessionCache Inner => inner;

    public int CallsTo(string member) => _calls.GetValueOrDefault(member);

    public IReadOnlyDictionary<string, int> Calls => _calls;

    /// <summary>Keys that <see cref="TryGetAsync"/> found in the table.</summary>
    public IReadOnlyCollection<string> Hits => _hits;

    /// <summary>Exceptions the real cache threw (and HybridCache may have swallowed).</summary>
    public IReadOnlyCollection<Exception> Failures => _failures;

    /// <summary>Keys written through <see cref="SetAsync(string, ReadOnlySequence{byte}, DistributedCacheEntryOptions, CancellationToken)"/>.</summary>
    public IEnumerable<string> WrittenKeys => _writes.Where(w => w.Value.Task.IsCompletedSuccessfully).Select(w => w.Key);

    /// <summary>
    /// Completes with the value's length once a buffer write of <paramref name="key"/> reached the table. HybridCache's
    /// GetOrCreateAsync hands the value back before its L2 write is done.
    /// </summary>
    public Task<long> WrittenAsync(string key) => Write(key).Task.WaitAsync(TimeSpan.FromSeconds(30));

    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        Count(TryGetBufferAsync);
        var found = await RecordAsync(() => inner.TryGetAsync(key, destination, token));
        if (found)
        {
            _hits.Enqueue(key);
        }

        return found;
    }

    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Count(SetSequenceAsync);
        await RecordAsync(() => inner.SetAsync(key, value, options, token));
        Write(key).TrySetResult(value.Length);
    }

    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        Count(TryGetBuffer);
        return Record(() => inner.TryGet(key, destination));
    }

    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options)
    {
        Count(SetSequence);
        Record(() => { inner.Set(key, value, options); return true; });
    }

    public byte[]? Get(string key)
    {
        Count(GetBytes);
        return Record(() => inner.Get(key));
    }

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        Count(GetBytesAsync);
        return RecordAsync(() => inner.GetAsync(key, token));
    }

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        Count(SetBytes);
        Record(() => { inner.Set(key, value, options); return true; });
    }

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        Count(SetBytesAsync);
        return RecordAsync(() => inner.SetAsync(key, value, options, token));
    }

    public void Refresh(string key)
    {
        Count(RefreshKey);
        Record(() => { inner.Refresh(key); return true; });
    }

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        Count(RefreshKeyAsync);
        return RecordAsync(() => inner.RefreshAsync(key, token));
    }

    public void Remove(string key)
    {
        Count(RemoveKey);
        Record(() => { inner.Remove(key); return true; });
    }

    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        Count(RemoveKeyAsync);
        return RecordAsync(() => inner.RemoveAsync(key, token));
    }

    private void Count(string member) => _calls.AddOrUpdate(member, 1, static (_, n) => n + 1);

    private TaskCompletionSource<long> Write(string key) =>
        _writes.GetOrAdd(key, static _ => new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously));

    private T Record<T>(Func<T> call)
    {
        try
        {
            return call();
        }
        catch (Exception exception)
        {
            _failures.Enqueue(exception);
            throw;
        }
    }

    private async Task RecordAsync(Func<Task> call)
    {
        try
        {
            await call();
        }
        catch (Exception exception)
        {
            _failures.Enqueue(exception);
            throw;
        }
    }

    private async Task<T> RecordAsync<T>(Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception exception)
        {
            _failures.Enqueue(exception);
            throw;
        }
    }

    private async ValueTask RecordAsync(Func<ValueTask> call)
    {
        try
        {
            await call();
        }
        catch (Exception exception)
        {
            _failures.Enqueue(exception);
            throw;
        }
    }

    private async ValueTask<T> RecordAsync<T>(Func<ValueTask<T>> call)
    {
        try
        {
            return await call();
        }
        catch (Exception exception)
        {
            _failures.Enqueue(exception);
            throw;
        }
    }
}
