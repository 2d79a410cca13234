using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Benchmarks;

/// <summary>
/// A cache driven the way the session middleware drives it: <c>LoadAsync</c> calls <c>GetAsync</c>; <c>CommitAsync</c>
/// calls <c>SetAsync</c> when the session changed, else <c>RefreshAsync</c> when it was loaded. Used for both
/// DbiSessionCache and the Redis cache, so both run exactly the same calls.
/// </summary>
internal sealed class DistributedCacheContestant : Contestant
{
    private static readonly DistributedCacheEntryOptions s_sliding = new() { SlidingExpiration = BenchmarkSettings.SlidingWindow };

    private readonly IDistributedCache _cache;
    private readonly IBufferDistributedCache? _bufferCache;

    public DistributedCacheContestant(ContestantKind kind, string name, IDistributedCache cache, bool usesMySql)
        : base(kind, name)
    {
        _cache = cache;
        _bufferCache = cache as IBufferDistributedCache;
        UsesMySql = usesMySql;
    }

    public override bool UsesMySql { get; }

    public override bool Supports(Workload workload) => workload.Operation != Operation.TryGet || _bufferCache is not null;

    public override async ValueTask<bool> ExecuteAsync(Operation operation, WorkerContext worker)
    {
        switch (operation)
        {
            case Operation.Get:
                return await _cache.GetAsync(worker.Key) is not null;

            case Operation.TryGet:
                worker.Writer.ResetWrittenCount();
                return await _bufferCache!.TryGetAsync(worker.Key, worker.Writer);

            case Operation.Set:
                await _cache.SetAsync(worker.Key, worker.WriteValue, s_sliding);
                return true;

            case Operation.SessionRead:
                if (await _cache.GetAsync(worker.Key) is null)
                {
                    return false;
                }

                await _cache.RefreshAsync(worker.Key);
                return true;

            case Operation.SessionWrite:
                var found = await _cache.GetAsync(worker.Key) is not null;
                await _cache.SetAsync(worker.Key, worker.WriteValue, s_sliding);
                return found;

            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown operation.");
        }
    }
}
