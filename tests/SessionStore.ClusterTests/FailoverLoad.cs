using Microsoft.Extensions.Caching.Distributed;
using MySqlConnector;

namespace SessionStore.ClusterTests;

/// <summary>The writer load on a MySQL cluster cache: what the connector lets through during a failover is counted by kind.</summary>
internal sealed class FailoverLoad(IDistributedCache cache, int workers, int keysPerWorker, TimeSpan operationTimeout)
    : CacheWriterLoad(cache, ClusterCache.EntryOptions, workers, keysPerWorker, operationTimeout)
{
    protected override string? DescribeFailure(string operation, Exception exception, TimeSpan operationTimeout) =>
        exception switch
        {
            MySqlException mySql => $"{operation}: MySqlException {mySql.ErrorCode}",
            OperationCanceledException => $"{operation}: timed out after {operationTimeout.TotalSeconds:0} s",
            InvalidOperationException or IOException => $"{operation}: {exception.GetType().Name}",
            _ => null,
        };
}
