using Microsoft.Extensions.Logging;

namespace SessionStore;

// Event ids, one category (the cache's logger) for all: 1000-1099 table binding (Schema/TableBinder), 1100-1199 operations
// (Operations/CacheOperations, and retries here), 1200-1299 the sweep (Sweeping/). No key or value is ever logged:
// session ids are secrets.
public sealed partial class DbiSessionCache
{
    [LoggerMessage(EventId = 1100, EventName = "TransientRetry", Level = LogLevel.Warning,
        Message = "DbiSessionCache retries after transient MySQL error {ErrorCode} (attempt {Attempt})")]
    private partial void LogTransientRetry(MySqlConnector.MySqlErrorCode errorCode, int attempt);
}
