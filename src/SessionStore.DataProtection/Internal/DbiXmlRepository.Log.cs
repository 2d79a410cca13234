using Microsoft.Extensions.Logging;
using MySqlConnector;
using TableName = SessionStore.Sql.TableName;

namespace SessionStore.DataProtection.Internal;

// Event ids: 2000-2099 the table, 2100-2199 reading and storing elements, 2200-2299 the connection. No element's XML is ever logged: it holds key
// material. Friendly names (key-{guid}) are not secret: the key id is in the header of every payload the key protects.
internal sealed partial class DbiXmlRepository
{
    [LoggerMessage(EventId = 2000, EventName = "KeyTableCreated", Level = LogLevel.Information,
        Message = "PersistKeysToDbi created the missing key table {Table} (CreateTableIfMissing is on)")]
    private partial void LogTableCreated(TableName table);

    [LoggerMessage(EventId = 2100, EventName = "KeyElementsRead", Level = LogLevel.Debug,
        Message = "PersistKeysToDbi read {Count} key ring elements from {Table}")]
    private partial void LogElementsRead(int count, TableName table);

    [LoggerMessage(EventId = 2101, EventName = "KeyElementStored", Level = LogLevel.Debug,
        Message = "PersistKeysToDbi stored key ring element {FriendlyName} in {Table}")]
    private partial void LogElementStored(string friendlyName, TableName table);

    [LoggerMessage(EventId = 2102, EventName = "KeyElementFriendlyNameReplaced", Level = LogLevel.Debug,
        Message = "PersistKeysToDbi stores a key ring element as {FriendlyName}: the name it was given is empty or longer than 255 characters ({Length})")]
    private partial void LogFriendlyNameReplaced(string friendlyName, int length);

    [LoggerMessage(EventId = 2103, EventName = "UnreadableKeyElementSkipped", Level = LogLevel.Warning,
        Message = "PersistKeysToDbi skips row {Id} ({FriendlyName}) of {Table}: its XML cannot be parsed")]
    private partial void LogUnreadableElementSkipped(Exception exception, long id, string friendlyName, TableName table);

    [LoggerMessage(EventId = 2200, EventName = "KeyRingTransientRetry", Level = LogLevel.Warning,
        Message = "PersistKeysToDbi retries after transient MySQL error {ErrorCode} (attempt {Attempt})")]
    private partial void LogTransientRetry(MySqlErrorCode errorCode, int attempt);
}
