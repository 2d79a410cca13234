using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace SessionStore.Testing;

/// <summary>
/// The cache's logger in tests: counts its "TransientRetry" events by MySQL error code, which is how a test sees the
/// deadlocks, certification conflicts and dropped connections that the cache retried rather than let escape.
/// </summary>
public sealed class TransientRetryCounter : ILogger<DbiSessionCache>
{
    private const string TransientRetryEvent = "TransientRetry";

    private readonly ConcurrentDictionary<string, int> _byErrorCode = new(StringComparer.Ordinal);

    public int Total => _byErrorCode.Values.Sum();

    /// <summary>Counts by error, named like <c>LockDeadlock (1213)</c>.</summary>
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
            ? fields.FirstOrDefault(field => field.Key == "ErrorCode").Value
            : null;
        var name = errorCode is MySqlErrorCode code ? $"{code} ({(int)code})" : errorCode?.ToString() ?? "unknown";
        _byErrorCode.AddOrUpdate(name, 1, (_, count) => count + 1);
    }

    /// <summary>Sums the counts of several caches, e.g. <c>LockDeadlock (1213) × 12, UnableToConnectToHost (1042) × 1</c>.</summary>
    public static string Describe(IEnumerable<TransientRetryCounter> counters)
    {
        var totals = counters
            .SelectMany(counter => counter.ByErrorCode)
            .GroupBy(pair => pair.Key, StringComparer.Ordinal)
            .OrderBy(group => group.Key, StringComparer.Ordinal)
            .Select(group => $"{group.Key} × {group.Sum(pair => pair.Value)}")
            .ToList();
        return totals.Count == 0 ? "none" : string.Join(", ", totals);
    }

    /// <summary>For the test output, e.g. <c>LockDeadlock (1213) × 12</c>.</summary>
    public override string ToString() => Describe([this]);
}
