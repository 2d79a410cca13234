using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace SessionStore.Etcd;

public sealed partial class EtcdSessionCache
{
    [LoggerMessage(EventId = 2100, EventName = "EtcdTransientRetry", Level = LogLevel.Warning,
        Message = "EtcdSessionCache retries after transient etcd error {StatusCode} (attempt {Attempt})")]
    private partial void LogTransientRetry(StatusCode statusCode, int attempt);

    [LoggerMessage(EventId = 2101, EventName = "EtcdLeaseRegranted", Level = LogLevel.Information,
        Message = "EtcdSessionCache's lease {LeaseId} is gone from etcd (expired early or revoked); granting a new one")]
    private partial void LogLeaseRegranted(long leaseId);

    [LoggerMessage(EventId = 2102, EventName = "EtcdUnreadableEntry", Level = LogLevel.Warning,
        Message = "EtcdSessionCache found an entry under its prefix that is not an envelope it can read (another application's key?); treated as missing")]
    private partial void LogUnreadableEntry();
}
