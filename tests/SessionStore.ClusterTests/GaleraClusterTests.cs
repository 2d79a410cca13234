using SessionStore.Testing;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using MySqlConnector;
using SessionStore.ClusterTests.Galera;

namespace SessionStore.ClusterTests;

/// <summary>
/// The cache on a three-node MariaDB Galera cluster on loopback: reads through one node of writes made through another,
/// a node killed and restarted under load, and writers on every node fighting over one key.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class GaleraClusterTests(GaleraClusterFixture fixture, ITestOutputHelper output) : IClassFixture<GaleraClusterFixture>
{
    private const int CausalPairs = 500;

    private static readonly TimeSpan s_healthTimeout = TimeSpan.FromSeconds(60);

    private IReadOnlyList<GaleraNode> Nodes => fixture.Cluster.Nodes;

    [Fact(Timeout = 120_000)]
    public async Task GetOnAnotherNode_RightAfterSet_WithCausalReads_IsNeverStale()
    {
        await StartAsync();
        var (plain, causal, _) = await PairCounts.CompareCausalReadsAsync(
            name => fixture.ConnectionString(Nodes[0], name), name => fixture.ConnectionString(Nodes[1], name), CausalPairs);

        output.WriteLine($"Without CausalReads: {plain.Stale} of {CausalPairs} reads on node2 right after a write on node1 were stale ({100.0 * plain.Stale / CausalPairs:0.0} %), {plain.Elapsed.TotalMilliseconds / CausalPairs:0.00} ms per pair.");
        output.WriteLine($"With CausalReads:    {causal.Stale} of {CausalPairs} stale, {causal.Elapsed.TotalMilliseconds / CausalPairs:0.00} ms per pair.");
        Assert.Equal(0, plain.Wrong);
        Assert.Equal(0, causal.Wrong);
        Assert.True(causal.Stale == 0, $"{causal.Stale} of {CausalPairs} reads with CausalReads on did not see the write made just before on another node.");
    }

    [Fact(Timeout = 180_000)]
    public async Task NodeKilledUnderLoad_LoadResumesAfterAShortPause_NoAcknowledgedWriteIsLost_AndTheNodeRejoins()
    {
        var killAt = TimeSpan.FromSeconds(5);
        var restartAt = TimeSpan.FromSeconds(10);
        // The load runs at least this long, and on until a few seconds after the node has rejoined: the rejoin is a
        // second disturbance (the node accepts connections again while it catches up), which the load must also ride.
        var minimumLoad = TimeSpan.FromSeconds(20);
        var afterRejoin = TimeSpan.FromSeconds(3);
        // Galera stalls commits for about the suspect timeout (3 s here) until it evicts the dead node; the bound leaves
        // room for a retry and a loaded CI machine, and is still far below what a user would call an outage.
        var longestAcceptableGap = TimeSpan.FromSeconds(10);

        await StartAsync();
        using var run = await FailoverLoadRun.CreateAsync(fixture.FailoverConnectionString);
        var connectionString = run.ConnectionString;
        var victim = await ConnectedNodeAsync(connectionString);
        var survivor = Nodes.Last(node => node != victim);
        var (load, unpooled, clock) = (run.Pooled, run.Unpooled, run.Clock);

        run.Start();
        TimeSpan killedAt, restartBegan, restartedAt, rejoinedAt;
        string? recoveredPosition;
        try
        {
            await Task.Delay(killAt);
            victim.Crash();
            killedAt = clock.Elapsed;
            await Task.Delay(LoadReport.Max(restartAt - clock.Elapsed, TimeSpan.Zero));
            restartBegan = clock.Elapsed;
            recoveredPosition = await fixture.Cluster.RestartAsync(victim, CancellationToken.None);
            restartedAt = clock.Elapsed;
            await fixture.Cluster.WaitUntilSyncedAsync(s_healthTimeout, CancellationToken.None);
            rejoinedAt = clock.Elapsed;
            await Task.Delay(LoadReport.Max(minimumLoad - clock.Elapsed, afterRejoin));
        }
        finally
        {
            await run.StopAsync();
        }

        var loadEnded = clock.Elapsed;
        var gap = load.LongestGap(loadEnded);
        var unpooledGap = unpooled.LongestGap(loadEnded);
        using var throughSurvivor = ClusterCache.Create(fixture.ConnectionString(survivor, "failover-verify"), causalReads: true);
        using var throughVictim = ClusterCache.Create(fixture.ConnectionString(victim, "failover-verify-rejoined"), causalReads: true);
        var acknowledged = run.Acknowledged;
        var lostOnSurvivor = await KeyLedger.FindLostWritesAsync(throughSurvivor.Cache, acknowledged);
        var lostOnVictim = await KeyLedger.FindLostWritesAsync(throughVictim.Cache, acknowledged);

        output.WriteLine($"Load through {connectionString.Split(';')[0]} (LoadBalance=FailOver), first connected to {victim.Name}: 4 pooled workers and 1 unpooled for {loadEnded.TotalSeconds:0.0} s.");
        output.WriteLine($"{victim.Name} killed (SIGKILL) at {killedAt.TotalSeconds:0.0} s; restart began at {restartBegan.TotalSeconds:0.0} s, launched after --wsrep-recover at {restartedAt.TotalSeconds:0.0} s from position {recoveredPosition ?? "(none: full SST)"}; three Synced members again at {rejoinedAt.TotalSeconds:0.0} s ({(rejoinedAt - restartedAt).TotalSeconds:0.0} s after the launch).");
        foreach (var line in run.Describe(loadEnded))
        {
            output.WriteLine(line);
        }

        output.WriteLine(FailoverLoadRun.DescribeKeys(acknowledged));

        Assert.True(gap.Length < longestAcceptableGap,
            $"The load stalled for {gap.Length.TotalSeconds:0.0} s from {gap.From.TotalSeconds:0.0} s (the node was killed at {killedAt.TotalSeconds:0.0} s); failures: {LoadReport.Describe(load.Failures)}.");
        Assert.True(load.Successes.Any(time => time > rejoinedAt), "No operation succeeded after the killed node had rejoined.");
        Assert.True(unpooledGap.Length < longestAcceptableGap,
            $"The unpooled worker stalled for {unpooledGap.Length.TotalSeconds:0.0} s from {unpooledGap.From.TotalSeconds:0.0} s; failures: {LoadReport.Describe(unpooled.Failures)}.");
        Assert.Empty(load.ReadMismatches);
        Assert.Empty(unpooled.ReadMismatches);
        Assert.True(lostOnSurvivor.Count == 0, $"Acknowledged writes lost, read through {survivor.Name}:{Environment.NewLine}{string.Join(Environment.NewLine, lostOnSurvivor.Take(20))}");
        Assert.True(lostOnVictim.Count == 0, $"Acknowledged writes missing on the rejoined {victim.Name}:{Environment.NewLine}{string.Join(Environment.NewLine, lostOnVictim.Take(20))}");
    }

    [Fact(Timeout = 120_000)]
    public async Task WritersOnEveryNode_OnOneKey_NoConflictEscapes_AndTheFinalValueIsOneTheyWrote()
    {
        const int writers = 16;
        const int writesPerWriter = 25;
        await StartAsync();
        var caches = Nodes.Select(node => ClusterCache.Create(fixture.ConnectionString(node, "conflicts-" + node.Name), causalReads: true)).ToList();
        try
        {
            foreach (var cache in caches)
            {
                Assert.Null(await cache.Cache.GetAsync(Guid.NewGuid().ToString()));
            }

            var key = Guid.NewGuid().ToString();
            var written = new ConcurrentBag<string>();
            var escaped = new ConcurrentQueue<Exception>();
            var conflictsBefore = await fixture.ReadConflictCountersAsync();
            var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var stopwatch = Stopwatch.StartNew();
            var tasks = Enumerable.Range(0, writers).Select(writer => Task.Run(async () =>
            {
                await start.Task;
                var cache = caches[writer % caches.Count].Cache;
                for (var write = 0; write < writesPerWriter; write++)
                {
                    var value = $"writer {writer} write {write}";
                    written.Add(value);
                    using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
                    try
                    {
                        await cache.SetAsync(key, Encoding.UTF8.GetBytes(value), ClusterCache.EntryOptions, timeout.Token);
                    }
                    catch (Exception exception) when (exception is MySqlException or OperationCanceledException)
                    {
                        escaped.Enqueue(exception);
                    }
                }
            })).ToList();
            start.SetResult();
            await Task.WhenAll(tasks);
            var elapsed = stopwatch.Elapsed;
            var conflicts = await fixture.ReadConflictCountersAsync() - conflictsBefore;

            var finals = new List<string?>();
            foreach (var cache in caches)
            {
                var read = await cache.Cache.GetAsync(key);
                finals.Add(read is null ? null : Encoding.UTF8.GetString(read));
            }

            var escapedByKind = escaped
                .GroupBy(exception => exception is MySqlException mySql ? $"MySqlException {mySql.ErrorCode}" : exception.GetType().Name)
                .ToDictionary(group => group.Key, group => group.Count());
            output.WriteLine($"{writers} writers ({writers / caches.Count}-{(writers + caches.Count - 1) / caches.Count} per node) × {writesPerWriter} Sets of one key in {elapsed.TotalSeconds:0.0} s.");
            output.WriteLine($"Conflicts the cluster aborted (wsrep_local_cert_failures + wsrep_local_bf_aborts, all nodes): {conflicts}.");
            output.WriteLine($"Retried by the cache: {TransientRetryCounter.Describe(caches.Select(cache => cache.Retries))}; escaped to the caller: {escaped.Count} ({LoadReport.Describe(escapedByKind)}).");
            output.WriteLine($"Final value on node1/node2/node3: {string.Join(" / ", finals.Select(v => v ?? "(none)"))}.");

            Assert.True(escaped.IsEmpty,
                $"{escaped.Count} of {writers * writesPerWriter} Sets failed after the cache's retries: {LoadReport.Describe(escapedByKind)}; " +
                $"retried: {TransientRetryCounter.Describe(caches.Select(cache => cache.Retries))}; cluster conflicts: {conflicts}.");
            Assert.All(finals, final => Assert.Equal(finals[0], final));
            Assert.Contains(finals[0], written);
        }
        finally
        {
            foreach (var cache in caches)
            {
                cache.Dispose();
            }
        }
    }

    private async Task StartAsync()
    {
        foreach (var line in fixture.StartLog)
        {
            output.WriteLine(line);
        }

        await fixture.Cluster.EnsureHealthyAsync(s_healthTimeout, CancellationToken.None);
    }

    /// <summary>The node a new connection with this connection string reaches, as the cache's pool would.</summary>
    private async Task<GaleraNode> ConnectedNodeAsync(string connectionString)
    {
        var name = await LoadReport.ReadOnConnectedServerAsync(connectionString, "@@wsrep_node_name");
        return Nodes.Single(node => node.Name == name);
    }
}
