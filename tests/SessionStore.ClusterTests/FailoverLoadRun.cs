using SessionStore.Testing;
using System.Diagnostics;
using MySqlConnector;

namespace SessionStore.ClusterTests;

/// <summary>
/// The load of a failover test, through the cluster's failover connection string: four workers on one pooled cache, and
/// one on an unpooled cache. A pool keeps reusing its connections to the node it failed over to; an app that opens new
/// connections (a pool that grows, an instance that starts) reaches the restarted node as soon as it listens, because it
/// is first in the list. The unpooled worker is that app.
/// </summary>
internal sealed class FailoverLoadRun : IDisposable
{
    private const int PooledWorkers = 4;

    private static readonly TimeSpan s_operationTimeout = TimeSpan.FromSeconds(10);

    private readonly CancellationTokenSource _stop = new();
    private Task? _running;

    private FailoverLoadRun(string connectionString, ClusterCache pooledCache, ClusterCache unpooledCache)
    {
        ConnectionString = connectionString;
        PooledCache = pooledCache;
        UnpooledCache = unpooledCache;
        Pooled = new FailoverLoad(pooledCache.Cache, workers: PooledWorkers, keysPerWorker: 16, operationTimeout: s_operationTimeout);
        Unpooled = new FailoverLoad(unpooledCache.Cache, workers: 1, keysPerWorker: 16, operationTimeout: s_operationTimeout);
    }

    /// <summary>The pooled cache's connection string.</summary>
    public string ConnectionString { get; }

    public ClusterCache PooledCache { get; }

    public ClusterCache UnpooledCache { get; }

    public FailoverLoad Pooled { get; }

    public FailoverLoad Unpooled { get; }

    /// <summary>Time since <see cref="Start"/>, which every load time is measured from.</summary>
    public Stopwatch Clock { get; } = new();

    /// <summary>The keys of both loads that had a Set acknowledged.</summary>
    public List<KeyLedger> Acknowledged =>
        Pooled.Ledgers.Concat(Unpooled.Ledgers).Where(ledger => ledger.LastAcknowledged is not null).ToList();

    /// <summary>
    /// Both caches, on <paramref name="failoverConnectionString"/> of "failover-load" and "failover-unpooled", each past
    /// its first operation; the load does not run yet.
    /// </summary>
    public static async Task<FailoverLoadRun> CreateAsync(Func<string, string> failoverConnectionString)
    {
        var connectionString = failoverConnectionString("failover-load");
        var pooledCache = ClusterCache.Create(connectionString, causalReads: true);
        ClusterCache? unpooledCache = null;
        try
        {
            Assert.Null(await pooledCache.Cache.GetAsync(Guid.NewGuid().ToString()));
            var unpooledConnectionString = new MySqlConnectionStringBuilder(failoverConnectionString("failover-unpooled")) { Pooling = false }.ConnectionString;
            unpooledCache = ClusterCache.Create(unpooledConnectionString, causalReads: true);
            Assert.Null(await unpooledCache.Cache.GetAsync(Guid.NewGuid().ToString()));
            return new FailoverLoadRun(connectionString, pooledCache, unpooledCache);
        }
        catch
        {
            unpooledCache?.Dispose();
            pooledCache.Dispose();
            throw;
        }
    }

    public void Start()
    {
        Clock.Start();
        _running = Task.WhenAll(Pooled.RunAsync(Clock, _stop.Token), Unpooled.RunAsync(Clock, _stop.Token));
    }

    /// <summary>Stops the workers and waits for the operations in flight.</summary>
    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        if (_running is not null)
        {
            await _running;
        }
    }

    /// <summary>The outcome of both loads, as the output of a failover test shows it.</summary>
    public IEnumerable<string> Describe(TimeSpan loadEnded)
    {
        var gap = Pooled.LongestGap(loadEnded);
        var unpooledGap = Unpooled.LongestGap(loadEnded);
        yield return $"Pooled workers: {Pooled.Successes.Count} succeeded, {Pooled.Failures.Values.Sum()} failed ({LoadReport.Describe(Pooled.Failures)}); {Pooled.WritesAcknowledged} writes acknowledged.";
        yield return $"Cache retries of transient errors: {TransientRetryCounter.Describe([PooledCache.Retries])}.";
        yield return $"Longest gap between successful operations: {gap.Length.TotalSeconds:0.00} s, from {gap.From.TotalSeconds:0.0} s. Failures{LoadReport.Window(Pooled.FailureTimes)}.";
        yield return $"Unpooled worker: {Unpooled.Successes.Count} succeeded, {Unpooled.Failures.Values.Sum()} failed ({LoadReport.Describe(Unpooled.Failures)}{LoadReport.Window(Unpooled.FailureTimes)}); retries {TransientRetryCounter.Describe([UnpooledCache.Retries])}; longest gap {unpooledGap.Length.TotalSeconds:0.00} s from {unpooledGap.From.TotalSeconds:0.0} s.";
    }

    /// <summary>How many keys were checked, and how many were in doubt at the end.</summary>
    public static string DescribeKeys(IReadOnlyCollection<KeyLedger> acknowledged) =>
        $"Keys checked: {acknowledged.Count}; in doubt at the end (a failed Set after the last acknowledged one): {acknowledged.Count(ledger => ledger.InDoubt.Count > 0)}.";

    public void Dispose()
    {
        _stop.Dispose();
        UnpooledCache.Dispose();
        PooledCache.Dispose();
    }
}
