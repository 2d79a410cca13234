using Microsoft.Extensions.Logging;

namespace SessionStore.Benchmarks.Http;

/// <summary>
/// A logger that says Information and above are enabled, as a default app's console logger does, and writes nothing;
/// entries at Error or above are only counted (see <see cref="AppFailures"/>).
/// </summary>
internal sealed class DiscardingLogger : ILogger
{
    private readonly string _category;
    private readonly AppFailures _failures;

    public DiscardingLogger(string category, AppFailures failures)
    {
        _category = category;
        _failures = failures;
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel is >= LogLevel.Information and < LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (logLevel is >= LogLevel.Error and < LogLevel.None)
        {
            ArgumentNullException.ThrowIfNull(formatter);
            _failures.RecordError(logLevel, _category, formatter(state, exception), exception);
        }
    }
}
