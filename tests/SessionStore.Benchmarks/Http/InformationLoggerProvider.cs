using Microsoft.Extensions.Logging;

namespace SessionStore.Benchmarks.Http;

/// <summary>
/// The benchmark app's only logger provider. It reports Information enabled, so the app takes the paths a default app
/// takes (the stock <c>DistributedSession</c> reads the entry once more before each write, only to log "Session
/// started"), and discards everything, so no console output is timed; errors are counted in <see cref="AppFailures"/>.
/// </summary>
internal sealed class InformationLoggerProvider : ILoggerProvider
{
    private readonly AppFailures _failures;

    public InformationLoggerProvider(AppFailures failures)
    {
        _failures = failures;
    }

    public ILogger CreateLogger(string categoryName) => new DiscardingLogger(categoryName, _failures);

    public void Dispose()
    {
    }
}
