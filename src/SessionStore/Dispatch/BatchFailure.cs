using MySqlConnector;
using SessionStore.Connections;

namespace SessionStore.Dispatch;

/// <summary>Whether a coalesced statement's failure belongs to every operation in it, or may belong to one of them.</summary>
internal static class BatchFailure
{
    /// <summary>
    /// Shared: anything but an error the server raised for the statement itself. A server that cannot be reached, a broken
    /// connection, a transient error that outlasted its retries, a missing table: sending each operation alone would meet the
    /// same failure once per operation. An error the server raised for the statement (a constraint, a trigger's SIGNAL, data
    /// too long for a column, a packet too large) may be one row's, so the batch is split and each operation learns its own.
    /// </summary>
    public static bool IsShared(Exception exception) =>
        exception is not MySqlException { ErrorCode: not MySqlErrorCode.None } mySql || TransientErrors.IsTransient(mySql);
}
