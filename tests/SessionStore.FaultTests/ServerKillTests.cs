using SessionStore.Testing;
using System.Buffers.Binary;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Caching.Distributed;
using MySqlConnector;
using SessionStore.DevServer;
using SessionStore.Sql;

namespace SessionStore.FaultTests;

/// <summary>
/// The server dies under load (SIGKILL, as a crash or the OOM killer would) and comes back on the same port and data
/// directory. The cache is never recreated: it must fail promptly while the server is gone, recover by itself, and lose
/// nothing it acknowledged.
/// </summary>
public sealed class ServerKillTests(ITestOutputHelper output)
{
    private const int Workers = 6;
    private const int KeysPerWorker = 8;

    private static readonly TimeSpan s_killAt = TimeSpan.FromSeconds(4);
    private static readonly TimeSpan s_restartAt = TimeSpan.FromSeconds(8);
    private static readonly TimeSpan s_runFor = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan s_operationTimeout = TimeSpan.FromSeconds(2);

    // After this long the pooled connections that died with the server have all been tried and dropped.
    private static readonly TimeSpan s_settleAfterRestart = TimeSpan.FromSeconds(2);

    private static readonly DistributedCacheEntryOptions s_oneHour = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) };

    [Fact]
    public async Task ServerKilledUnderLoad_OperationsFailPromptly_RecoverByThemselves_AndNoAcknowledgedWriteIsLost()
    {
        await using var server = await MySqlDevServer.StartLocalProcessAsync(
            TestServer.Options("faults"), CancellationToken.None);
        var process = server.LocalProcess ?? throw new InvalidOperationException("Not a local server process: " + server.Description);
        var table = "kill_" + Guid.NewGuid().ToString("N")[..12];
        await Sql.ExecuteAsync(server.ConnectionString, SqlStatements.CreateTableDdl(TableName.Parse(table)));
        var retries = new TransientRetryCounter();
        using var sut = CacheFactory.Create(server.ConnectionString, table, logger: retries);
        await sut.Cache.SetAsync("warm-up", [0], s_oneHour); // binds the table before the clock starts

        using var run = new LoadRun(sut.Cache);
        var workers = Enumerable.Range(0, Workers).Select(worker => Task.Run(() => run.WorkAsync(worker))).ToArray();

        await run.DelayUntilAsync(s_killAt);
        var killStarted = run.Elapsed;
        run.SwitchToKeysWrittenAfterTheKill();
        await process.KillAsync();
        var killed = run.Elapsed;

        await run.DelayUntilAsync(s_restartAt);
        var restartStarted = run.Elapsed;
        await process.RestartAsync(TimeSpan.FromSeconds(60), CancellationToken.None);
        var restarted = run.Elapsed;

        await run.DelayUntilAsync(s_runFor);
        await run.StopAsync(workers);

        // Every key, read back through the same cache once the load has stopped.
        var lost = new List<string>();
        var readBack = 0;
        foreach (var (key, ledger) in run.Ledgers)
        {
            if (ledger.LastAcknowledged is not { } acknowledged)
            {
                continue;
            }

            var value = await sut.Cache.GetAsync(key);
            readBack++;
            var sequence = value is null ? (long?)null : LoadRun.SequenceOf(value);
            if (sequence is null || sequence < acknowledged || !ledger.Attempted.Contains(sequence.Value))
            {
                lost.Add($"{key}: acknowledged #{acknowledged}, read {(sequence is null ? "nothing" : "#" + sequence)}");
            }
        }

        var operations = run.Operations.ToList();
        var failures = operations.Where(o => o.Failure is not null).ToList();
        var duringOutage = failures.Count(o => o.Started >= killStarted && o.Started < restarted);
        var afterRestart = failures.Where(o => o.Started >= restarted).ToList();
        var successesWhileDown = operations.Count(o => o.Failure is null && o.Started >= killed && o.Ended <= restartStarted);
        var longestFailure = failures.Count == 0 ? TimeSpan.Zero : failures.Max(o => o.Ended - o.Started);
        var firstRecovery = operations.Where(o => o.Failure is null && o.Started >= restarted).Select(o => o.Ended).DefaultIfEmpty(TimeSpan.MaxValue).Min();
        var allRecovered = Enumerable.Range(0, Workers)
            .Select(worker => operations.Where(o => o.Worker == worker && o.Failure is null && o.Started >= restarted).Select(o => o.Ended).DefaultIfEmpty(TimeSpan.MaxValue).Min())
            .Max();
        var unexpected = failures.Where(o => o.Failure is not (MySqlException or OperationCanceledException)).ToList();
        var lateFailures = afterRestart.Where(o => o.Started >= restarted + s_settleAfterRestart).ToList();

        output.WriteLine(server.Description);
        output.WriteLine(Invariant($"kill at {killStarted.TotalSeconds:0.00} s (process gone at {killed.TotalSeconds:0.00} s), restart at {restartStarted.TotalSeconds:0.00} s, accepting again at {restarted.TotalSeconds:0.00} s (start took {(restarted - restartStarted).TotalSeconds:0.00} s)"));
        output.WriteLine(Invariant($"operations: {operations.Count}; failed: {failures.Count} ({duringOutage} during the outage, {afterRestart.Count} after the restart, {lateFailures.Count} later than {s_settleAfterRestart.TotalSeconds:0} s after it)"));
        output.WriteLine(Invariant($"longest failing call: {longestFailure.TotalMilliseconds:0} ms (per-operation timeout {s_operationTimeout.TotalMilliseconds:0} ms)"));
        output.WriteLine(Invariant($"recovery: first success {(firstRecovery - restarted).TotalMilliseconds:0} ms after the server accepted connections again; every worker {(allRecovered - restarted).TotalMilliseconds:0} ms after"));
        output.WriteLine("failures by kind: " + string.Join("; ", failures.GroupBy(o => Sql.Kind(o.Failure!)).Select(g => $"{g.Key} × {g.Count()}")));
        output.WriteLine("failures after the restart: " + string.Join("; ", afterRestart.GroupBy(o => Sql.Kind(o.Failure!)).Select(g => $"{g.Key} × {g.Count()}")));
        output.WriteLine($"transient retries: {retries}");
        output.WriteLine(Invariant($"keys read back: {readBack}, of which written only before the kill: {run.Ledgers.Count(l => l.Key.Contains("/pre/", StringComparison.Ordinal) && l.Value.LastAcknowledged is not null)}; lost acknowledged writes: {lost.Count}; stale reads: {run.StaleReads.Count}"));
        foreach (var line in lost.Take(20))
        {
            output.WriteLine("  lost: " + line);
        }

        Assert.True(unexpected.Count == 0, "Failures other than MySqlException or OperationCanceledException escaped: " + string.Join("; ", unexpected.Select(o => Sql.Describe(o.Failure!)).Distinct().Take(5)));
        Assert.True(duringOutage > 0, "No operation failed while the server was down: was it killed?");
        Assert.Equal(0, successesWhileDown);
        Assert.True(longestFailure < s_operationTimeout + TimeSpan.FromSeconds(1), Invariant($"A failing call took {longestFailure.TotalMilliseconds:0} ms."));
        Assert.True(allRecovered < TimeSpan.MaxValue, "A worker never succeeded again after the restart.");
        Assert.True(lateFailures.Count == 0, "Operations still failed after the cache should have recovered: " + string.Join("; ", lateFailures.Select(o => Sql.Describe(o.Failure!)).Distinct().Take(5)));
        Assert.True(lost.Count == 0, $"{lost.Count} acknowledged writes were lost: " + string.Join("; ", lost.Take(5)));
        Assert.True(run.StaleReads.IsEmpty, "A Get right after an acknowledged Set did not return it: " + string.Join("; ", run.StaleReads.Take(5)));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    /// <summary>What each key was written with: every sequence number tried, and the last one acknowledged.</summary>
    private sealed class KeyLedger
    {
        public ConcurrentBag<long> Attempted { get; } = [];

        public long? LastAcknowledged { get; set; }
    }

    private sealed record Operation(int Worker, string Name, TimeSpan Started, TimeSpan Ended, Exception? Failure);

    /// <summary>
    /// Workers that Set then Get keys of their own, each Set with a new sequence number, recording every operation. Keys
    /// written before the kill are never written again, so after the restart they must still hold what was acknowledged.
    /// </summary>
    private sealed class LoadRun(IDistributedCache cache) : IDisposable
    {
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly CancellationTokenSource _stop = new();
        private readonly string _prefix = Guid.NewGuid().ToString("N")[..8];
        private volatile string _phase = "pre";

        public ConcurrentDictionary<string, KeyLedger> Ledgers { get; } = new(StringComparer.Ordinal);

        public ConcurrentQueue<Operation> Operations { get; } = new();

        public ConcurrentQueue<string> StaleReads { get; } = new();

        public TimeSpan Elapsed => _clock.Elapsed;

        public static long SequenceOf(byte[] value) => BinaryPrimitives.ReadInt64LittleEndian(value);

        public void SwitchToKeysWrittenAfterTheKill() => _phase = "post";

        public async Task DelayUntilAsync(TimeSpan at)
        {
            var remaining = at - _clock.Elapsed;
            if (remaining > TimeSpan.Zero)
            {
                await Task.Delay(remaining);
            }
        }

        public async Task StopAsync(Task[] workers)
        {
            await _stop.CancelAsync();
            await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(15));
        }

        public void Dispose() => _stop.Dispose();

        public async Task WorkAsync(int worker)
        {
            for (long sequence = 1; !_stop.IsCancellationRequested; sequence++)
            {
                var key = $"{_prefix}/{_phase}/{worker}/{sequence % KeysPerWorker}";
                var ledger = Ledgers.GetOrAdd(key, _ => new KeyLedger());
                var value = new byte[16];
                BinaryPrimitives.WriteInt64LittleEndian(value, sequence);
                BinaryPrimitives.WriteInt64LittleEndian(value.AsSpan(8), worker);
                ledger.Attempted.Add(sequence);

                if (await TimeAsync(worker, "Set", token => cache.SetAsync(key, value, s_oneHour, token)))
                {
                    ledger.LastAcknowledged = sequence;
                }
                else
                {
                    continue;
                }

                byte[]? read = null;
                if (await TimeAsync(worker, "Get", async token => read = await cache.GetAsync(key, token)) && (read is null || !read.AsSpan().SequenceEqual(value)))
                {
                    StaleReads.Enqueue($"{key}: wrote #{sequence}, read {(read is null ? "nothing" : "#" + SequenceOf(read))}");
                }
            }
        }

        private async Task<bool> TimeAsync(int worker, string name, Func<CancellationToken, Task> operation)
        {
            using var timeout = new CancellationTokenSource(s_operationTimeout);
            var started = _clock.Elapsed;
            try
            {
                await operation(timeout.Token);
                Operations.Enqueue(new Operation(worker, name, started, _clock.Elapsed, null));
                return true;
            }
#pragma warning disable CA1031 // Every failure is recorded; the assertions decide which kinds are allowed.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                Operations.Enqueue(new Operation(worker, name, started, _clock.Elapsed, exception));
                return false;
            }
        }
    }
}
