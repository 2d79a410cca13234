using System.Text;
using SessionStore.Etcd.ClusterTests.Harness;
using SessionStore.Etcd.ClusterTests.Load;

namespace SessionStore.Etcd.ClusterTests;

/// <summary>
/// A follower cut off while writes continue on the other two, then read through caches pointed at it alone, with
/// serializable and with linearizable reads.
/// </summary>
/// <remarks>
/// The cut is SIGSTOP: without root there is no firewall to drop one member's peer traffic, and a frozen process stops
/// answering peers as a partitioned one does (the leader's appends to it wait in the socket; it sends no heartbeat
/// responses). It also stops answering clients, so a read cannot be sent to it "during" the partition and answered from
/// there; what can be counted is what it answers at the moment it comes back, before it has applied what it missed. A
/// follower frozen for less than an election timeout starts no election when it resumes: it hears the leader first.
/// </remarks>
public sealed class StaleReadTests(EtcdClusterFixture fixture, ITestOutputHelper output) : IClassFixture<EtcdClusterFixture>
{
    private const int KeysPerRound = 50;
    private const int RoundsPerCase = 3;

    private static readonly TimeSpan s_readTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long reads sent to the frozen member wait in its sockets before it is thawed.</summary>
    private static readonly TimeSpan s_queuedReadsWait = TimeSpan.FromMilliseconds(200);

    [Fact]
    public async Task FrozenFollower_SerializableReadsMayBeStale_LinearizableReadsNeverAre()
    {
        var cluster = fixture.Cluster;
        foreach (var line in fixture.StartLog)
        {
            output.WriteLine(line);
        }

        var follower = await cluster.FindFollowerAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        var others = cluster.Members.Where(member => member != follower).ToList();
        using var writer = EtcdClusterCache.Create(others.Select(member => member.ClientUrl), serializableReads: false);
        using var serializableReader = EtcdClusterCache.Create([follower.ClientUrl], serializableReads: true);
        using var linearizableReader = EtcdClusterCache.Create([follower.ClientUrl], serializableReads: false);
        foreach (var cache in new[] { writer, serializableReader, linearizableReader })
        {
            // Connected before any freeze, so no read waits on a connection to a frozen member.
            Assert.Null(await cache.Cache.GetAsync(Guid.NewGuid().ToString()));
        }

        var counts = new Dictionary<(bool Serializable, ReadTiming Timing), ReadCounts>();
        for (var round = 0; round < RoundsPerCase; round++)
        {
            foreach (var timing in Enum.GetValues<ReadTiming>())
            {
                foreach (var serializable in new[] { true, false })
                {
                    var reader = serializable ? serializableReader : linearizableReader;
                    var roundCounts = await RunRoundAsync(cluster, follower, writer, serializableReader, reader, timing);
                    var total = counts.TryGetValue((serializable, timing), out var existing) ? existing : counts[(serializable, timing)] = new ReadCounts();
                    total.Fresh += roundCounts.Fresh;
                    total.Stale += roundCounts.Stale;
                    total.Failed += roundCounts.Failed;
                    total.Wrong += roundCounts.Wrong;
                }
            }
        }

        output.WriteLine($"Follower {follower.Name} frozen (SIGSTOP) while {KeysPerRound} keys were overwritten through {string.Join(" and ", others.Select(member => member.Name))}, then read from {follower.Name} alone; {RoundsPerCase} rounds per case:");
        foreach (var ((serializable, timing), count) in counts.OrderBy(pair => pair.Key.Timing).ThenByDescending(pair => pair.Key.Serializable))
        {
            output.WriteLine($"  {(serializable ? "SerializableReads = true " : "SerializableReads = false")}, reads sent {(timing == ReadTiming.AfterThaw ? "right after SIGCONT" : $"while frozen ({s_queuedReadsWait.TotalMilliseconds:0} ms before SIGCONT)")}: {count}.");
        }

        foreach (var ((serializable, timing), count) in counts)
        {
            Assert.True(count.Wrong == 0, $"{count.Wrong} reads returned bytes no write put there (serializable {serializable}, {timing}).");
            if (!serializable)
            {
                Assert.True(count.Stale == 0 && count.Failed == 0, $"Linearizable reads from the thawed member, {timing}: {count}; none may be stale.");
            }
        }
    }

    /// <summary>
    /// New keys set to "before" and applied on <paramref name="follower"/> (as <paramref name="serializableReader"/> sees); the follower frozen; every key set to "after"
    /// through the others; then every key read through <paramref name="reader"/>, sent at <paramref name="timing"/>.
    /// </summary>
    private static async Task<ReadCounts> RunRoundAsync(
        EtcdCluster cluster, EtcdMember follower, EtcdClusterCache writer, EtcdClusterCache serializableReader, EtcdClusterCache reader, ReadTiming timing)
    {
        var keys = Enumerable.Range(0, KeysPerRound).Select(_ => Guid.NewGuid().ToString()).ToList();
        foreach (var key in keys)
        {
            await writer.Cache.SetAsync(key, Encoding.UTF8.GetBytes("before"), EtcdClusterCache.EntryOptions);
        }

        // Writes apply in log order: once the last key is in the follower's own store (a serializable read from it alone),
        // all of them are.
        await cluster.WithinAsync(TimeSpan.FromSeconds(10), $"{follower.Name} did not apply the writes before the freeze", async token =>
        {
            while (await serializableReader.Cache.GetAsync(keys[^1], token) is null)
            {
                await Task.Delay(20, token);
            }
        }, CancellationToken.None);

        using var readTimeout = new CancellationTokenSource(s_readTimeout);
        follower.Freeze();
        Task<byte[]?>[] reads;
        try
        {
            foreach (var key in keys)
            {
                await writer.Cache.SetAsync(key, Encoding.UTF8.GetBytes("after"), EtcdClusterCache.EntryOptions);
            }

            if (timing == ReadTiming.WhileFrozen)
            {
                reads = StartReads(reader, keys, readTimeout.Token);
                await Task.Delay(s_queuedReadsWait);
                follower.Thaw();
            }
            else
            {
                follower.Thaw();
                reads = StartReads(reader, keys, readTimeout.Token);
            }
        }
        finally
        {
            if (follower.IsFrozen)
            {
                follower.Thaw();
            }
        }

        var counts = new ReadCounts();
        foreach (var read in reads)
        {
            try
            {
                switch (await read is { } bytes ? Encoding.UTF8.GetString(bytes) : null)
                {
                    case "after":
                        counts.Fresh++;
                        break;
                    case "before":
                        counts.Stale++;
                        break;
                    default:
                        counts.Wrong++;
                        break;
                }
            }
            catch (Exception exception) when (exception is not Xunit.Sdk.XunitException)
            {
                counts.Failed++;
            }
        }

        return counts;
    }

    private static Task<byte[]?>[] StartReads(EtcdClusterCache reader, IReadOnlyList<string> keys, CancellationToken cancellationToken) =>
        keys.Select(key => reader.Cache.GetAsync(key, cancellationToken)).ToArray();
}
