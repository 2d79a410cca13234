using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace SessionStore.Etcd.DataProtection;

// Event ids 2300-2399: the key ring in etcd (the cache has 2100-2199). No element's XML is ever logged: it holds key material.
// Friendly names (key-{guid}) are not secret: the key id is in the header of every payload the key protects.
internal sealed partial class EtcdXmlRepository
{
    [LoggerMessage(EventId = 2300, EventName = "EtcdKeyElementsRead", Level = LogLevel.Debug,
        Message = "PersistKeysToEtcd read {Count} key ring elements under {KeyPrefix}")]
    private partial void LogElementsRead(int count, string keyPrefix);

    [LoggerMessage(EventId = 2301, EventName = "EtcdKeyElementStored", Level = LogLevel.Debug,
        Message = "PersistKeysToEtcd stored key ring element {FriendlyName} under {KeyPrefix}")]
    private partial void LogElementStored(string friendlyName, string keyPrefix);

    [LoggerMessage(EventId = 2302, EventName = "EtcdKeyElementFriendlyNameReplaced", Level = LogLevel.Debug,
        Message = "PersistKeysToEtcd stores a key ring element as {FriendlyName}: the name it was given is empty")]
    private partial void LogFriendlyNameReplaced(string friendlyName);

    [LoggerMessage(EventId = 2303, EventName = "EtcdUnreadableKeyElementSkipped", Level = LogLevel.Warning,
        Message = "PersistKeysToEtcd skips {FriendlyName} under {KeyPrefix}: its value is not XML")]
    private partial void LogUnreadableElementSkipped(Exception exception, string friendlyName, string keyPrefix);

    [LoggerMessage(EventId = 2304, EventName = "EtcdKeyRingTransientRetry", Level = LogLevel.Warning,
        Message = "PersistKeysToEtcd retries after transient etcd error {StatusCode} (attempt {Attempt})")]
    private partial void LogTransientRetry(StatusCode statusCode, int attempt);
}
