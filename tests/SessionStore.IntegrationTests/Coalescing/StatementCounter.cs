using System.Diagnostics;

namespace SessionStore.IntegrationTests.Coalescing;

/// <summary>
/// Counts the commands MySqlConnector executes (its <c>Execute</c> activities) on connections whose default database is
/// the given one, from creation until disposal. A command carries one statement, or several in one round trip; either
/// way it is what coalescing saves. The count is exact whichever thread or execution context a command runs on, and
/// test classes running beside this one on the same server, in other databases, do not disturb it: unlike the server's
/// <c>Com_select</c>, which counts every connection's statements.
/// </summary>
internal sealed class StatementCounter : IDisposable
{
    private readonly ActivityListener _listener;
    private int _count;

    public StatementCounter(string database)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MySqlConnector",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                // MySqlConnector names the database "db.namespace" (stable conventions) or "db.name" (older ones).
                var name = activity.GetTagItem("db.namespace") ?? activity.GetTagItem("db.name");
                if (activity.OperationName == "Execute" && string.Equals(name as string, database, StringComparison.Ordinal))
                {
                    Interlocked.Increment(ref _count);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public int Count => Volatile.Read(ref _count);

    public void Dispose() => _listener.Dispose();
}
