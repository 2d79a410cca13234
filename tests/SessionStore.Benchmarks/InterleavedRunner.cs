using System.Diagnostics;

namespace SessionStore.Benchmarks;

/// <summary>
/// Runs one workload for every contestant in short rounds, round-robin, with the order rotating every round, so that
/// machine noise (another process, a GC, the server's background flushing) lands on all of them alike. Each contestant
/// first warms up at the workload's concurrency, which also fills its connection pool.
/// </summary>
internal sealed class InterleavedRunner
{
    // Enough for a contestant doing 100k operations a second through a whole full-run workload; beyond it, latency
    // percentiles come from the first samples only (operations are still all counted).
    private const int SampleCapacity = 1 << 21;

    private readonly BenchmarkSettings _settings;
    private readonly ServerCounters _counters;
    private readonly Dictionary<Contestant, long[]> _sampleBuffers = [];

    public InterleavedRunner(BenchmarkSettings settings, ServerCounters counters)
    {
        _settings = settings;
        _counters = counters;
    }

    public async Task<WorkloadResult> RunAsync(
        Workload workload, IReadOnlyList<Contestant> contestants, byte[] writeValue, CancellationToken cancellationToken)
    {
        var active = contestants.Where(c => c.Supports(workload)).ToArray();
        var measurements = active.Select(c => new Measurement(c, SampleBuffer(c))).ToArray();
        var workers = active
            .Select((contestant, i) => Enumerable.Range(0, workload.Concurrency)
                .Select(w => new WorkerContext(workload, contestant.FixedDataset ?? workload.Dataset, writeValue, seed: (i * 1000) + w + 1))
                .ToArray())
            .ToArray();

        for (var i = 0; i < active.Length; i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            await RunRoundAsync(active[i], workload.Operation, workers[i], _settings.WarmUp, measurement: null);
        }

        for (var round = 0; round < _settings.Rounds; round++)
        {
            for (var position = 0; position < active.Length; position++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var i = (round + position) % active.Length;
                var rowWritesBefore = active[i].UsesMySql ? await _counters.ReadRowWritesAsync(cancellationToken) : null;
                var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                var elapsed = await RunRoundAsync(active[i], workload.Operation, workers[i], _settings.RoundDuration, measurements[i]);
                var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
                var rowWritesAfter = active[i].UsesMySql ? await _counters.ReadRowWritesAsync(cancellationToken) : null;
                measurements[i].AddRound(elapsed, allocated, rowWritesAfter - rowWritesBefore);
            }
        }

        return new WorkloadResult(workload, measurements.Select(m => m.ToResult()).ToArray());
    }

    private long[] SampleBuffer(Contestant contestant)
    {
        if (!_sampleBuffers.TryGetValue(contestant, out var buffer))
        {
            buffer = new long[SampleCapacity];
            _sampleBuffers[contestant] = buffer;
        }

        return buffer;
    }

    /// <summary>Runs the contestant's workers until the round's time is up; returns the round's wall time in ticks.</summary>
    private static async Task<long> RunRoundAsync(
        Contestant contestant, Operation operation, WorkerContext[] workers, TimeSpan duration, Measurement? measurement)
    {
        var start = Stopwatch.GetTimestamp();
        var deadline = start + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var tasks = new Task[workers.Length];
        for (var w = 0; w < workers.Length; w++)
        {
            var worker = workers[w];
            tasks[w] = Task.Run(() => WorkerLoopAsync(contestant, operation, worker, deadline, measurement));
        }

        await Task.WhenAll(tasks);
        return Stopwatch.GetTimestamp() - start;
    }

    private static async Task WorkerLoopAsync(
        Contestant contestant, Operation operation, WorkerContext worker, long deadline, Measurement? measurement)
    {
        while (Stopwatch.GetTimestamp() < deadline)
        {
            worker.NextEntry();
            var started = Stopwatch.GetTimestamp();
            var found = await contestant.ExecuteAsync(operation, worker);
            measurement?.Record(Stopwatch.GetTimestamp() - started, found);
        }
    }
}
