using System.Collections.Concurrent;

namespace SessionStore.Etcd.Storage;

/// <summary>
/// Leases as garbage collection, shared by the entries that expire close together: an entry goes with the lease of the
/// bucket (<see cref="BucketWidth"/>) its expiry falls in, whose TTL runs to one bucket past the bucket's end, so etcd deletes
/// it at most two buckets after it expired (reads never return it past its own expiry). One lease per bucket per process,
/// granted on first use and cached, instead of one lease per entry: see the README for the measured difference.
/// </summary>
/// <param name="grant">Grants a lease of the given TTL in seconds and returns its id.</param>
/// <param name="bucketWidth">The span of expiry instants that share a lease.</param>
/// <param name="leasePerEntry">One lease per entry instead (for the measurement that chose buckets).</param>
internal sealed class LeaseBuckets(Func<long, bool, CancellationToken, ValueTask<long>> grant, TimeSpan bucketWidth, bool leasePerEntry = false)
{
    /// <summary>etcd's shortest lease.</summary>
    public const long MinimumTtlSeconds = 2;

    private readonly ConcurrentDictionary<long, Lazy<Task<long>>> _leases = new();

    public TimeSpan BucketWidth { get; } = bucketWidth;

    /// <summary>The lease for an entry expiring at <paramref name="expiresAt"/>, seen at <paramref name="now"/>.</summary>
    public async ValueTask<long> LeaseForAsync(DateTime expiresAt, DateTime now, bool isAsync, CancellationToken cancellationToken)
    {
        var width = BucketWidth.Ticks;
        if (leasePerEntry)
        {
            return await grant(TtlSeconds(expiresAt.Ticks - now.Ticks + width), isAsync, cancellationToken).ConfigureAwait(false);
        }

        var bucket = expiresAt.Ticks / width;
        if (_leases.TryGetValue(bucket, out var cached) && cached.Value.IsCompletedSuccessfully)
        {
            return cached.Value.Result;
        }

        var bucketEnd = Math.Min((bucket + 1) * width, DateTime.MaxValue.Ticks);
        var ttl = TtlSeconds(bucketEnd - now.Ticks + width);
        var lease = _leases.GetOrAdd(bucket, _ =>
        {
            Prune(now.Ticks / width);
            return new Lazy<Task<long>>(() => grant(ttl, isAsync, CancellationToken.None).AsTask());
        });
        try
        {
            return isAsync
                ? await lease.Value.WaitAsync(cancellationToken).ConfigureAwait(false)
                : lease.Value.GetAwaiter().GetResult();
        }
        catch (Exception) when (lease.Value.IsFaulted || lease.Value.IsCanceled)
        {
            _leases.TryRemove(KeyValuePair.Create(bucket, lease));
            throw;
        }
    }

    /// <summary>Forgets a lease etcd no longer has (revoked, or expired early), so that the next put grants a new one.</summary>
    public void Forget(long leaseId)
    {
        foreach (var (bucket, lease) in _leases)
        {
            if (lease.IsValueCreated && lease.Value.IsCompletedSuccessfully && lease.Value.Result == leaseId)
            {
                _leases.TryRemove(KeyValuePair.Create(bucket, lease));
            }
        }
    }

    /// <summary>Leases this process holds, for tests.</summary>
    public int Count => _leases.Count;

    private static long TtlSeconds(long ticks) =>
        Math.Max(MinimumTtlSeconds, (long)Math.Ceiling(Math.Min(ticks, TimeSpan.MaxValue.Ticks) / (double)TimeSpan.TicksPerSecond));

    private void Prune(long currentBucket)
    {
        foreach (var bucket in _leases.Keys)
        {
            if (bucket < currentBucket)
            {
                _leases.TryRemove(bucket, out _);
            }
        }
    }
}
