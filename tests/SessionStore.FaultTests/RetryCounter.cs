using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace SessionStore.FaultTests;

/// <summary>
/// The cache's logger in these tests: counts its "TransientRetry" events by MySQL error code, which is how a test sees the
/// deadlocks and dropped connections that the cache retried rather than let escape.
/// </summary>
internal sealed class RetryCounter : ILogger<DbiSessionCache>
{
    private const string TransientRetryEvent = "TransientRetry";

    private readonly ConcurrentDictionary<string, int> _byErrorCode = new(StringComparer.Ordinal);

    public int Total => _byErrorCode.Values.Sum();

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

    /// <summary>For the test output, e.g. <c>LockDeadlock (1213) × 12</c>.</summary>
    public override string ToString() =>
        _byErrorCode.IsEmpty ? "none" : string.Join(", ", _byErrorCode.OrderBy(pair => pair.Key, StringComparer.Ordinal).Select(pair => $"{pair.Key} × {pair.Value}"));
}
