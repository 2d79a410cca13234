using System.Diagnostics;
using System.Diagnostics.Metrics;
using MySqlConnector;

namespace SessionStore.Diagnostics;

/// <summary>
/// The cache's metrics and traces, named after the OpenTelemetry semantic conventions for database clients where they exist
/// (<c>db.client.operation.duration</c>, <c>db.system.name</c>, <c>db.operation.name</c>, <c>db.collection.name</c>,
/// <c>error.type</c>) and prefixed <c>sessionstore.</c> where they do not. No tag ever carries a key or a value.
/// </summary>
internal static class CacheInstrumentation
{
    /// <summary>The name of the <see cref="Meter"/> and the <see cref="ActivitySource"/>: what to subscribe to.</summary>
    public const string Name = "SessionStore";

    public static readonly ActivitySource ActivitySource = new(Name, typeof(CacheInstrumentation).Assembly.GetName().Version?.ToString());

    public static readonly Meter Meter = new(Name, typeof(CacheInstrumentation).Assembly.GetName().Version?.ToString());

    public static readonly Histogram<double> OperationDuration = Meter.CreateHistogram<double>(
        "db.client.operation.duration", "s", "Duration of the cache's operations, each one round trip (or none), retries included.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    public static readonly Counter<long> Lookups = Meter.CreateCounter<long>(
        "sessionstore.cache.lookups", "{lookup}", "Reads of an entry, by sessionstore.cache.result: hit or miss.");

    public static readonly Counter<long> SlidingExtensions = Meter.CreateCounter<long>(
        "sessionstore.sliding.extensions", "{extension}",
        "Sliding-expiry decisions on reads and refreshes, by sessionstore.extension.outcome: written (a row write), not_due (lazy sliding, no write), due (a read found the entry due; its extension follows) or some_written (a coalesced extension that extended some of its entries).");

    public static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "sessionstore.retries", "{retry}", "Operations retried after a transient MySQL error, by error.type (the MySQL error code).");

    public static readonly Counter<long> SweptEntries = Meter.CreateCounter<long>(
        "sessionstore.sweep.deleted", "{entry}", "Expired entries the sweep deleted.");

    public static readonly Histogram<double> SweepDuration = Meter.CreateHistogram<double>(
        "sessionstore.sweep.duration", "s", "Duration of sweeps that ran (not those skipped because another server held the lock).");

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<EntryEstimate, byte> s_estimates = new();

    /// <summary>
    /// Entries per table, from InnoDB's row estimate (no table scan), refreshed after each sweep and health check; caches
    /// that have not learned it yet report nothing.
    /// </summary>
    public static readonly ObservableGauge<long> Entries = Meter.CreateObservableGauge(
        "sessionstore.entries",
        static () => s_estimates.Keys
            .Where(estimate => estimate.Entries >= 0)
            .Select(estimate => new Measurement<long>(estimate.Entries, new KeyValuePair<string, object?>("db.collection.name", estimate.Table))),
        "{entry}",
        "Entries in the table, as InnoDB estimates them.");

    /// <summary>Reports a live cache's estimate in <see cref="Entries"/> until <see cref="Unregister"/>.</summary>
    public static void Register(EntryEstimate estimate) => s_estimates[estimate] = 0;

    public static void Unregister(EntryEstimate estimate) => s_estimates.TryRemove(estimate, out _);

    /// <summary>Starts timing (and tracing) one operation.</summary>
    /// <remarks>
    /// The system (mysql or mariadb) is read when the operation ends, from <paramref name="system"/>: the first operation
    /// of a cache is the one that learns it.
    /// </remarks>
    public static OperationScope StartOperation(string operation, string table, Func<string> system)
    {
        var activity = ActivitySource.HasListeners() ? ActivitySource.StartActivity($"{operation} {table}", ActivityKind.Client) : null;
        if (activity is not null)
        {
            activity.SetTag("db.operation.name", operation);
            activity.SetTag("db.collection.name", table);
        }

        return new OperationScope(operation, table, system, activity, Stopwatch.GetTimestamp());
    }

    public static void RecordLookup(bool hit, string table) =>
        Lookups.Add(1, new KeyValuePair<string, object?>("sessionstore.cache.result", hit ? "hit" : "miss"), new KeyValuePair<string, object?>("db.collection.name", table));

    public static void RecordExtension(string outcome, string table) =>
        SlidingExtensions.Add(1, new KeyValuePair<string, object?>("sessionstore.extension.outcome", outcome), new KeyValuePair<string, object?>("db.collection.name", table));

    public static void RecordRetry(MySqlErrorCode errorCode, string table) =>
        Retries.Add(1, new KeyValuePair<string, object?>("error.type", ((int)errorCode).ToString(System.Globalization.CultureInfo.InvariantCulture)), new KeyValuePair<string, object?>("db.collection.name", table));

    /// <summary>One operation in flight; dispose it when the operation ends, after <see cref="Fail"/> if it failed.</summary>
    public struct OperationScope(string operation, string table, Func<string> system, Activity? activity, long started) : IDisposable
    {
        private string? _errorType;

        /// <summary>Marks the operation failed; returns <see langword="false"/>, for use in an exception filter.</summary>
        public bool Fail(Exception exception)
        {
            ArgumentNullException.ThrowIfNull(exception);
            _errorType = exception is MySqlException mySql
                ? ((int)mySql.ErrorCode).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : exception.GetType().FullName;
            activity?.SetStatus(ActivityStatusCode.Error, exception.GetType().Name);
            activity?.SetTag("error.type", _errorType);
            return false;
        }

        public readonly void Dispose()
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var systemName = system();
            activity?.SetTag("db.system.name", systemName);
            var tags = new TagList
            {
                { "db.system.name", systemName },
                { "db.operation.name", operation },
                { "db.collection.name", table },
            };
            if (_errorType is not null)
            {
                tags.Add("error.type", _errorType);
            }

            OperationDuration.Record(elapsed, tags);
            activity?.Dispose();
        }
    }
}
