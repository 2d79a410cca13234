using System.Globalization;
using Microsoft.Extensions.Logging;

namespace SessionStore.Benchmarks.Http;

/// <summary>
/// What went wrong inside one benchmark app over the whole run: reads that found no session (the endpoint answers 404)
/// and entries logged at Error or above (an unhandled exception answers 500), with the first of them, so that the
/// report can say what wrk's non-2xx count is made of.
/// </summary>
internal sealed class AppFailures
{
    private long _misses;
    private long _errors;
    private string? _firstError;

    public long Misses => Interlocked.Read(ref _misses);

    public long Errors => Interlocked.Read(ref _errors);

    public string? FirstError => Volatile.Read(ref _firstError);

    public void RecordMiss() => Interlocked.Increment(ref _misses);

    public void RecordError(LogLevel level, string category, string message, Exception? exception)
    {
        Interlocked.Increment(ref _errors);
        var text = exception is null ? message : $"{message} {exception.GetType().Name}: {exception.Message}";
        _ = Interlocked.CompareExchange(ref _firstError, $"{level} from {category}: {text}", null);
    }

    /// <summary>A sentence for the report, or null when nothing went wrong.</summary>
    public string? Describe(string contestant) => Misses == 0 && Errors == 0
        ? null
        : string.Create(CultureInfo.InvariantCulture, $"{contestant}: {Misses:#,0} reads found no session; {Errors:#,0} entries logged at Error or above") +
            (FirstError is null ? "." : $", the first: {FirstError}");
}
