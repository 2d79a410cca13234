using Microsoft.Extensions.Logging;
using SessionStore.Sql;

namespace SessionStore;

// Event ids: 1000-1099 table binding, 1100-1199 operations, 1200-1299 the sweep. No key or value is ever logged: session ids are secrets.
public sealed partial class DbiSessionCache
{
    [LoggerMessage(EventId = 1000, EventName = "TableBound", Level = LogLevel.Information,
        Message = "DbiSessionCache uses table {Table} in {ExpiryMode} mode because {Reason} ({Dialect} dialect; values up to {DataCapacity} bytes, server max_allowed_packet {MaxAllowedPacket} bytes)")]
    private partial void LogTableBound(TableName table, ExpiryMode expiryMode, string reason, SqlDialect dialect, long dataCapacity, long maxAllowedPacket);

    [LoggerMessage(EventId = 1001, EventName = "TableCreated", Level = LogLevel.Information,
        Message = "DbiSessionCache created the missing table {Table} (CreateTableIfMissing is on)")]
    private partial void LogTableCreated(TableName table);

    [LoggerMessage(EventId = 1002, EventName = "SlidingWindowIgnored", Level = LogLevel.Warning,
        Message = "Table {Table} has no expiry columns, so every entry slides by DefaultSlidingExpiration ({Window}); a different sliding expiration was asked for and is not kept. Set DefaultSlidingExpiration to the session IdleTimeout, or upgrade the table")]
    private partial void LogSlidingWindowIgnored(TableName table, TimeSpan window);

    [LoggerMessage(EventId = 1101, EventName = "UnreadableEntry", Level = LogLevel.Warning,
        Message = "An entry in table {Table} holds data in column {DataColumn} that cannot be decoded; it is treated as missing")]
    private partial void LogUnreadableEntry(TableName table, string dataColumn);

    [LoggerMessage(EventId = 1200, EventName = "SweepCompleted", Level = LogLevel.Information,
        Message = "DbiSessionCache swept {Deleted} expired entries from {Table} in {Duration}")]
    private partial void LogSweepCompleted(TableName table, long deleted, TimeSpan duration);

    [LoggerMessage(EventId = 1201, EventName = "SweepSkipped", Level = LogLevel.Debug,
        Message = "DbiSessionCache skipped the sweep of {Table}: another server holds the sweep lock")]
    private partial void LogSweepSkipped(TableName table);

    [LoggerMessage(EventId = 1100, EventName = "TransientRetry", Level = LogLevel.Warning,
        Message = "DbiSessionCache retries after transient MySQL error {ErrorCode} (attempt {Attempt})")]
    private partial void LogTransientRetry(MySqlConnector.MySqlErrorCode errorCode, int attempt);
}
