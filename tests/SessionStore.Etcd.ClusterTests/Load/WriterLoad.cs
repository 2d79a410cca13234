using Microsoft.Extensions.Caching.Distributed;
using SessionStore.ClusterTests;

namespace SessionStore.Etcd.ClusterTests.Load;

/// <summary>The writer load (<see cref="CacheWriterLoad"/>, shared with the MySQL cluster tests) on an etcd cluster cache.</summary>
internal sealed class WriterLoad(IDistributedCache cache, int workers, int keysPerWorker, TimeSpan operationTimeout)
    : CacheWriterLoad(cache, EtcdClusterCache.EntryOptions, workers, keysPerWorker, operationTimeout)
{
    // Whatever the cache lets through after its own retries is what an application sees: counted by type, not hidden.
    protected override string? DescribeFailure(string operation, Exception exception, TimeSpan operationTimeout) =>
        exception switch
        {
            Xunit.Sdk.XunitException => null,
            OperationCanceledException => $"{operation}: timed out after {operationTimeout.TotalSeconds:0} s",
            _ => $"{operation}: {exception.GetType().Name}",
        };
}
