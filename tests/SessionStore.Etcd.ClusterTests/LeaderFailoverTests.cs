using System.Diagnostics;
using System.Text;
using SessionStore.ClusterTests;
using SessionStore.Etcd.ClusterTests.Load;

namespace SessionStore.Etcd.ClusterTests;

/// <summary>The leader of a three-member cluster killed with <c>kill -9</c> while writers go through the cache.</summary>
public sealed class LeaderFailoverTests(EtcdClusterFixture fixture, ITestOutputHelper output) : IClassFixture<EtcdClusterFixture>
{
    private const int Workers = 8;
    private const int KeysPerWorker = 4;

    private static readonly TimeSpan s_loadDuration = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan s_killAt = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan s_operationTimeout = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_rejoinTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// An election takes one election timeout (1 s here) plus a round of votes; the cache's retries of "no leader" and
    /// "unavailable" must carry the writers across it. Five seconds is generous and still tells a stall from a failover.
    /// </summary>
    private static readonly TimeSpan s_longestAcceptablePause = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task LeaderKilledUnderLoad_WritersPauseBriefly_NoAcknowledgedWriteIsLost_AndTheMemberRejoins()
    {
        var cluster = fixture.Cluster;
        foreach (var line in fixture.StartLog)
        {
            output.WriteLine(line);
        }

        using var loadCache = EtcdClusterCache.Create(cluster.Endpoints, serializableReads: false);
        Assert.Null(await loadCache.Cache.GetAsync(Guid.NewGuid().ToString()));
        var leader = await cluster.FindLeaderAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        var survivors = cluster.Members.Where(member => member != leader).ToList();

        var load = new WriterLoad(loadCache.Cache, Workers, KeysPerWorker, s_operationTimeout);
        var clock = Stopwatch.StartNew();
        using var stop = new CancellationTokenSource(s_loadDuration);
        var running = load.RunAsync(clock, stop.Token);
        await Task.Delay(s_killAt);
        var killedAt = clock.Elapsed;
        leader.Crash();
        var newLeader = await cluster.FindLeaderAsync(TimeSpan.FromSeconds(15), CancellationToken.None);
        var electedAfter = clock.Elapsed - killedAt;
        await running;
        var loadEnded = clock.Elapsed;

        var gap = load.LongestGap(loadEnded);
        output.WriteLine($"Killed the leader {leader.Name} (kill -9) at {killedAt.TotalSeconds:0.00} s; {newLeader.Name} was leader {electedAfter.TotalSeconds:0.00} s later (as its Status says, polled every 50 ms).");
        output.WriteLine($"{Workers} writers over {loadEnded.TotalSeconds:0.0} s: {load.Successes.Count} operations succeeded, {load.WritesAcknowledged} writes acknowledged; failures: {load.DescribeFailures()}.");
        output.WriteLine($"Longest pause without an acknowledged operation: {gap.Length.TotalSeconds:0.000} s, from {gap.From.TotalSeconds:0.00} s.");

        // Every acknowledged Set must read back, through a cache on the survivors, linearizably.
        using var checkCache = EtcdClusterCache.Create(survivors.Select(member => member.ClientUrl), serializableReads: false);
        var ledgers = load.Ledgers.Where(ledger => ledger.LastAcknowledged is not null).ToList();
        var lost = await KeyLedger.FindLostWritesAsync(checkCache.Cache, ledgers);
        output.WriteLine($"Keys checked: {ledgers.Count}; in doubt at the end (a failed Set after the last acknowledged one): {ledgers.Count(ledger => ledger.InDoubt.Count > 0)}; lost: {lost.Count}.");

        // The killed member rejoins: a key written while it was down must reach its own store, read from it alone.
        var writtenWhileDown = Guid.NewGuid().ToString();
        await checkCache.Cache.SetAsync(writtenWhileDown, Encoding.UTF8.GetBytes(writtenWhileDown), EtcdClusterCache.EntryOptions);
        var restarted = Stopwatch.StartNew();
        cluster.Restart(leader);
        await cluster.WaitUntilHealthyAsync([leader], s_rejoinTimeout, CancellationToken.None);
        var healthyAfter = restarted.Elapsed;
        using var onlyRejoined = EtcdClusterCache.Create([leader.ClientUrl], serializableReads: true);
        await cluster.WithinAsync(s_rejoinTimeout, $"{leader.Name} did not serve the key written while it was down", async token =>
        {
            while (await onlyRejoined.Cache.GetAsync(writtenWhileDown, token) is null)
            {
                await Task.Delay(50, token);
            }
        }, CancellationToken.None);
        var caughtUpAfter = restarted.Elapsed;
        using var onlyRejoinedLinearizable = EtcdClusterCache.Create([leader.ClientUrl], serializableReads: false);
        var linearizable = await onlyRejoinedLinearizable.Cache.GetAsync(writtenWhileDown);
        output.WriteLine($"{leader.Name} restarted: healthy after {healthyAfter.TotalSeconds:0.00} s, its own store (serializable read) had the key written while it was down after {caughtUpAfter.TotalSeconds:0.00} s.");

        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged writes were lost:{Environment.NewLine}{string.Join(Environment.NewLine, lost.Take(20))}");
        Assert.True(load.ReadMismatches.Count == 0, $"A Get right after an acknowledged Set read something else:{Environment.NewLine}{string.Join(Environment.NewLine, load.ReadMismatches.Take(20))}");
        Assert.True(load.WritesAcknowledged > Workers * 10, $"Only {load.WritesAcknowledged} writes were acknowledged: the load did not run.");
        Assert.True(load.Successes.Max() > killedAt + electedAfter, "No operation succeeded after the new leader was elected.");
        Assert.True(gap.Length < s_longestAcceptablePause, $"The writers stalled for {gap.Length.TotalSeconds:0.00} s (limit {s_longestAcceptablePause.TotalSeconds:0} s).");
        Assert.Equal(writtenWhileDown, linearizable is null ? null : Encoding.UTF8.GetString(linearizable));
    }
}
