using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SessionStore.Etcd.ClusterTests;

/// <summary>
/// The read trade-off behind <c>SerializableReads</c> (README, "Reads"): Get latency (p50, p99) and throughput on a healthy
/// three-member cluster, linearizable against serializable, one reader and sixteen, through a cache on all three members
/// and through a cache on one follower alone. It prints a table and asserts only that every read succeeded with the value
/// written; the numbers depend on the machine and its load, which the output states.
/// Run: dotnet test tests/SessionStore.Etcd.ClusterTests --filter Category=Measurement --logger "console;verbosity=detailed"
/// </summary>
/// <remarks>
/// Each Get is one range request (the entries carry an absolute expiry, so no read extends a sliding window). The cases
/// are interleaved over several rounds, so a burst of load from elsewhere on the machine spreads over all of them rather
/// than landing on one.
/// </remarks>
[Trait("Category", "Measurement")]
public sealed class ReadTradeOffMeasurement(EtcdClusterFixture fixture, ITestOutputHelper output) : IClassFixture<EtcdClusterFixture>
{
    private const int Keys = 200;
    private const int ValueBytes = 1024;
    private const int Rounds = 3;

    private static readonly int[] s_concurrencies = [1, 16];
    private static readonly TimeSpan s_caseDuration = TimeSpan.FromSeconds(1.5);
    private static readonly TimeSpan s_warmUp = TimeSpan.FromMilliseconds(300);
    private static readonly TimeSpan s_operationTimeout = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task GetLatencyAndThroughput_LinearizableAgainstSerializable_AllMembersAndFollowerOnly()
    {
        var cluster = fixture.Cluster;
        foreach (var line in fixture.StartLog)
        {
            output.WriteLine(line);
        }

        var leader = await cluster.FindLeaderAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        var follower = await cluster.FindFollowerAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        var loadBefore = ReadLoadAverage();

        var keys = Enumerable.Range(0, Keys).Select(i => "read-trade-off-" + i.ToString(CultureInfo.InvariantCulture)).ToArray();
        var value = new byte[ValueBytes];
        Random.Shared.NextBytes(value);
        using (var writer = EtcdClusterCache.Create(cluster.Endpoints, serializableReads: false))
        {
            foreach (var key in keys)
            {
                await writer.Cache.SetAsync(key, value, EtcdClusterCache.EntryOptions);
            }
        }

        var targets = new (string Name, IReadOnlyList<string> Endpoints)[]
        {
            ("all 3 members", cluster.Endpoints),
            ($"follower {follower.Name} only", [follower.ClientUrl]),
        };
        var readers = new Dictionary<(string Target, bool Serializable), EtcdClusterCache>();
        try
        {
            foreach (var (name, endpoints) in targets)
            {
                foreach (var serializable in new[] { false, true })
                {
                    var reader = EtcdClusterCache.Create(endpoints, serializable);
                    readers[(name, serializable)] = reader;

                    // A serializable read from a follower may lag; the keys were written before, so wait until it has them.
                    await cluster.WithinAsync(TimeSpan.FromSeconds(10), $"{name} did not serve the keys written before the measurement", async token =>
                    {
                        while (await reader.Cache.GetAsync(keys[^1], token) is null)
                        {
                            await Task.Delay(20, token);
                        }
                    }, CancellationToken.None);
                }
            }

            var results = new Dictionary<(string Target, bool Serializable, int Concurrency), CaseResult>();
            for (var round = 0; round < Rounds; round++)
            {
                foreach (var concurrency in s_concurrencies)
                {
                    foreach (var (name, _) in targets)
                    {
                        foreach (var serializable in new[] { false, true })
                        {
                            var reader = readers[(name, serializable)];
                            await RunAsync(reader, keys, value, concurrency, s_warmUp, new CaseResult());
                            if (!results.TryGetValue((name, serializable, concurrency), out var result))
                            {
                                results[(name, serializable, concurrency)] = result = new CaseResult();
                            }

                            await RunAsync(reader, keys, value, concurrency, s_caseDuration, result);
                        }
                    }
                }
            }

            var leaderAfter = await cluster.FindLeaderAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
            var loadAfter = ReadLoadAverage();

            output.WriteLine($"Gets of {ValueBytes} B values ({Keys} keys) on a healthy three-member cluster (leader {leader.Name}, " +
                $"{(leaderAfter == leader ? "unchanged" : $"{leaderAfter.Name} by the end")}); {Rounds} rounds of {s_caseDuration.TotalSeconds:0.0} s per case, interleaved; " +
                $"{Environment.ProcessorCount} cores, load average {loadBefore} before, {loadAfter} after.");
            output.WriteLine("| Reads through | SerializableReads | Concurrency | Get/s | p50 ms | p99 ms | Gets | Errors |");
            output.WriteLine("|---|---|---:|---:|---:|---:|---:|---:|");
            foreach (var concurrency in s_concurrencies)
            {
                foreach (var (name, _) in targets)
                {
                    foreach (var serializable in new[] { false, true })
                    {
                        var result = results[(name, serializable, concurrency)];
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                            $"| {name} | {(serializable ? "true" : "false (default)")} | {concurrency} | {result.Throughput:0} | " +
                            $"{result.Percentile(0.50):0.00} | {result.Percentile(0.99):0.00} | {result.Latencies.Count} | {result.Errors} |"));
                    }
                }
            }

            foreach (var ((target, serializable, concurrency), result) in results)
            {
                var label = $"{target}, serializable {serializable}, concurrency {concurrency}";
                Assert.True(result.Errors == 0, $"{label}: {result.Errors} Gets failed or read something else; first: {result.FirstError}");
                Assert.True(result.Latencies.Count >= concurrency * Rounds, $"{label}: only {result.Latencies.Count} Gets completed.");
            }
        }
        finally
        {
            foreach (var reader in readers.Values)
            {
                reader.Dispose();
            }
        }
    }

    /// <summary><paramref name="concurrency"/> workers, each reading random keys back to back for <paramref name="duration"/>.</summary>
    private static async Task RunAsync(EtcdClusterCache reader, string[] keys, byte[] value, int concurrency, TimeSpan duration, CaseResult result)
    {
        var clock = Stopwatch.StartNew();
        var perWorker = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>();
            var errors = 0;
            string? firstError = null;
            while (clock.Elapsed < duration)
            {
                var key = keys[Random.Shared.Next(keys.Length)];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var timeout = new CancellationTokenSource(s_operationTimeout);
                    var read = await reader.Cache.GetAsync(key, timeout.Token);
                    var elapsed = Stopwatch.GetElapsedTime(started);
                    if (read is not null && read.AsSpan().SequenceEqual(value))
                    {
                        latencies.Add(elapsed.TotalMilliseconds);
                    }
                    else
                    {
                        errors++;
                        firstError ??= read is null ? $"{key}: not found" : $"{key}: {read.Length} bytes that differ from the value written";
                    }
                }
                catch (Exception exception)
                {
                    errors++;
                    firstError ??= $"{key}: {exception.GetType().Name}: {exception.Message}";
                }
            }

            return (Latencies: latencies, Errors: errors, FirstError: firstError);
        })));
        var elapsedTotal = clock.Elapsed;

        lock (result)
        {
            foreach (var worker in perWorker)
            {
                result.Latencies.AddRange(worker.Latencies);
                result.Errors += worker.Errors;
                result.FirstError ??= worker.FirstError;
            }

            result.Elapsed += elapsedTotal;
        }
    }

    private static string ReadLoadAverage()
    {
        try
        {
            var fields = File.ReadAllText("/proc/loadavg").Split(' ');
            return $"{fields[0]}/{fields[1]}/{fields[2]}";
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private sealed class CaseResult
    {
        public List<double> Latencies { get; } = [];

        public int Errors { get; set; }

        public string? FirstError { get; set; }

        public TimeSpan Elapsed { get; set; }

        public double Throughput => Latencies.Count / Elapsed.TotalSeconds;

        public double Percentile(double fraction)
        {
            if (Latencies.Count == 0)
            {
                return double.NaN;
            }

            var sorted = Latencies.Order().ToList();
            return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(fraction * sorted.Count) - 1)];
        }
    }
}
