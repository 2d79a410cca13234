using System.Collections.Concurrent;
using System.Globalization;

namespace SessionStore.FaultTests;

/// <summary>Operation latencies of one phase of a load, for printing (never asserted: timings depend on the machine).</summary>
internal sealed class Latencies
{
    private readonly ConcurrentBag<double> _milliseconds = [];

    public int Count => _milliseconds.Count;

    public void Add(TimeSpan elapsed) => _milliseconds.Add(elapsed.TotalMilliseconds);

    public override string ToString()
    {
        var sorted = _milliseconds.Order().ToArray();
        if (sorted.Length == 0)
        {
            return "no operations";
        }

        double At(double quantile) => sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(quantile * sorted.Length) - 1)];
        return string.Create(
            CultureInfo.InvariantCulture,
            $"{sorted.Length} ops, median {At(0.5):0.0} ms, p99 {At(0.99):0.0} ms, max {sorted[^1]:0.0} ms");
    }
}
