using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace SessionStore.ClusterTests;

/// <summary>
/// The cache's logger in these tests: counts its "TransientRetry" events by MySQL error code, which is how the tests see
/// the certification conflicts and dropped connections that the cache retried rather than let escape.
/// </summary>
internal sealed class TransientRetryCounter : ILogger<DbiSessionCache>
{
    private const string TransientRetryEvent = "TransientRetry";

    private readonly ConcurrentDictionary<string, int> _byErrorCode = new(StringComparer.Ordinal);

    public int Total => _byErrorCode.Values.Sum();

    public IReadOnlyDictionary<string, int> ByErrorCode => _byErrorCode;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (eventId.Name != TransientRetryEvent)
        {
            return;
        }

        var errorCode = state is IEnumerable<KeyValuePair<string, object?>> fields
            ? fields.FirstOrDefault(field => field.Key == "ErrorCode").Value?.ToString()
            : null;
        _byErrorCode.AddOrUpdate(errorCode ?? "unknown", 1, (_, count) => count + 1);
    }

    /// <summary>Sums the counts of several caches, e.g. <c>LockDeadlock × 12, UnableToConnectToHost × 1</c>.</summary>
    public static string Describe(IEnumerable<TransientRetryCounter> counters)
    {
        var totals = counters
            .SelectMany(counter => counter.ByErrorCode)
            .GroupBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(group => $"{group.Key} × {group.Sum(pair => pair.Value)}")
            .ToList();
        return totals.Count == 0 ? "none" : string.Join(", ", totals);
    }
}
