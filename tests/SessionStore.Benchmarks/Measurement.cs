using System.Diagnostics;

namespace SessionStore.Benchmarks;

/// <summary>
/// Everything measured for one contestant in one workload, over all its rounds. Latency samples go into a buffer
/// allocated once, so recording them allocates nothing.
/// </summary>
internal sealed class Measurement
{
    private readonly long[] _samples;
    private int _operations;
    private int _misses;

    public Measurement(Contestant contestant, long[] sampleBuffer)
    {
        Contestant = contestant;
        _samples = sampleBuffer;
    }

    public Contestant Contestant { get; }

    public int Operations => Volatile.Read(ref _operations);

    public int Misses => Volatile.Read(ref _misses);

    public long ElapsedTicks { get; private set; }

    public long AllocatedBytes { get; private set; }

    /// <summary>Server row writes during this contestant's rounds, or null when it does not use MySQL or the counters are unreadable.</summary>
    public long? RowWrites { get; private set; }

    public void Record(long elapsedTicks, bool found)
    {
        var index = Interlocked.Increment(ref _operations) - 1;
        if (index < _samples.Length)
        {
            _samples[index] = elapsedTicks;
        }

        if (!found)
        {
            Interlocked.Increment(ref _misses);
        }
    }

    public void AddRound(long elapsedTicks, long allocatedBytes, long? rowWrites)
    {
        ElapsedTicks += elapsedTicks;
        AllocatedBytes += allocatedBytes;
        if (rowWrites is { } writes)
        {
            RowWrites = (RowWrites ?? 0) + writes;
        }
    }

    public ContestantResult ToResult()
    {
        var operations = Operations;
        var recorded = Math.Min(operations, _samples.Length);
        Array.Sort(_samples, 0, recorded);
        var seconds = ElapsedTicks / (double)Stopwatch.Frequency;
        return new ContestantResult(
            Contestant.Kind,
            Contestant.Name,
            operations,
            P50Microseconds: Percentile(recorded, 0.50),
            P99Microseconds: Percentile(recorded, 0.99),
            OperationsPerSecond: operations / seconds,
            AllocatedBytesPerOperation: AllocatedBytes / (double)operations,
            RowWritesPerOperation: RowWrites is { } writes ? writes / (double)operations : null,
            Misses);
    }

    /// <summary>The nearest-rank percentile of the recorded samples, in microseconds.</summary>
    private double Percentile(int count, double fraction)
    {
        if (count == 0)
        {
            return double.NaN;
        }

        var rank = Math.Clamp((int)Math.Ceiling(fraction * count) - 1, 0, count - 1);
        return _samples[rank] * 1_000_000.0 / Stopwatch.Frequency;
    }
}
