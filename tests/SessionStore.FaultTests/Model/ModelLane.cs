using System.Globalization;
using SessionStore.IntegrationTests;

namespace SessionStore.FaultTests.Model;

/// <summary>
/// One lane of <see cref="ConcurrentLanesModelTests"/>: its own keys and its own <see cref="CacheModel"/> (a
/// <see cref="ModelCheckedCache"/> of its own), on a cache that many lanes share. It performs one operation at a time,
/// checks every Get against its model, and keeps its history, so that a divergence names what led to it.
/// </summary>
internal sealed class ModelLane(int number, CacheUnderTest sut, TimeSpan defaultSlidingExpiration)
{
    private readonly ModelCheckedCache _checked = new(sut, defaultSlidingExpiration);
    private readonly List<string> _history = [];

    public int Number => number;

    /// <summary>Performs <paramref name="operation"/> at <paramref name="now"/> (the shared clock's time for this whole round).</summary>
    public async Task StepAsync(int round, DateTimeOffset now, DateTimeOffset start, CacheOperation operation)
    {
        _history.Add(string.Create(CultureInfo.InvariantCulture, $"round {round + 1} at +{(now - start).TotalSeconds:0}s: {operation}"));
        if (operation is AdvanceOperation)
        {
            throw new InvalidOperationException($"A lane does not move the shared clock: {operation}");
        }

        if (await _checked.ApplyAsync(operation, now) is { } divergence)
        {
            throw new InvalidOperationException(
                $"Lane {number}, round {round + 1}, {operation}: {divergence}.{Environment.NewLine}" +
                $"The lane's operations:{Environment.NewLine}  " + string.Join(Environment.NewLine + "  ", _history));
        }
    }
}
