using Grpc.Core;

namespace SessionStore.Etcd.Connections;

/// <summary>
/// What is retried against etcd: the one owner of "transient" for the etcd store. Every request the store sends is
/// idempotent (a put of the same envelope, a delete, or a transaction guarded by a revision compare), so a retry cannot
/// apply anything twice. The attempts and pauses are the MySQL store's (<see cref="SessionStore.Connections.TransientErrors"/>).
/// </summary>
internal static class EtcdTransientErrors
{
    public const int MaxAttempts = SessionStore.Connections.TransientErrors.MaxAttempts;

    /// <summary>What etcd says of a token it no longer knows (expired after <c>--auth-token-ttl</c>, or lost in a restart).</summary>
    public const string InvalidAuthToken = "invalid auth token";

    /// <summary>
    /// A member that cannot be reached (Unavailable, which etcd also uses for "leader changed", "no leader" and "request
    /// timed out"), or a deadline that ran out. etcd before 3.4 sent some of those as Unknown with the message only, so the
    /// message is the fallback there.
    /// </summary>
    public static bool IsTransient(RpcException exception) => exception.StatusCode switch
    {
        StatusCode.Unavailable or StatusCode.DeadlineExceeded => true,
        StatusCode.Unauthenticated => IsRejectedToken(exception),
        StatusCode.Unknown => exception.Status.Detail is { } detail
            && (detail.Contains("leader changed", StringComparison.Ordinal)
                || detail.Contains("request timed out", StringComparison.Ordinal)
                || detail.Contains("no leader", StringComparison.Ordinal)),
        _ => false,
    };

    /// <summary>
    /// etcd dropped the client's token: <see cref="EtcdTokenRejectionHandler"/> has already made the client authenticate
    /// again, so the retry succeeds (a wrong password is InvalidArgument, and never retried).
    /// </summary>
    public static bool IsRejectedToken(RpcException exception) =>
        exception.StatusCode == StatusCode.Unauthenticated && exception.Status.Detail.Contains(InvalidAuthToken, StringComparison.Ordinal);

    /// <summary>A member that cannot be reached at all is tried twice, as the MySQL store does: an outage should fail promptly.</summary>
    public static int MaxAttemptsFor(RpcException exception) =>
        exception.StatusCode == StatusCode.Unavailable && exception.Status.DebugException is System.Net.Http.HttpRequestException ? 2 : MaxAttempts;

    /// <summary>The lease a put named has expired or was revoked: grant a new one and put again.</summary>
    public static bool IsLeaseNotFound(RpcException exception) =>
        exception.StatusCode == StatusCode.NotFound && exception.Status.Detail.Contains("lease not found", StringComparison.Ordinal);
}
