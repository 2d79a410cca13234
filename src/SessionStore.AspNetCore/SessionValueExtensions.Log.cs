using Microsoft.Extensions.Logging;

namespace Microsoft.AspNetCore.Http;

// Event ids: 3000-3099 typed session values. The session key named here is the app's name for a value ("Cart"), not the
// session id, which is a secret; the value itself is never logged.
public static partial class SessionValueExtensions
{
    [LoggerMessage(EventId = 3000, EventName = "UnreadableSessionValue", Level = LogLevel.Warning,
        Message = "Session value {Key} could not be deserialized as {TargetType}; it is treated as missing")]
    private static partial void LogUnreadableValue(ILogger logger, Exception exception, string key, Type targetType);
}
