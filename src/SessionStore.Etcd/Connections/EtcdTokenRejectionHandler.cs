using System.Net.Http.Headers;

namespace SessionStore.Etcd.Connections;

/// <summary>
/// Tells the client to authenticate again when etcd rejects its token. dotnet-etcd 10.0.0 caches the token for a fixed time
/// of its own and never looks at the answer, but etcd drops a token earlier: a simple token after <c>--auth-token-ttl</c>
/// (300 s) without use, and every simple token when the member restarts. Without this, every request after that failed with
/// Unauthenticated "invalid auth token" until the client's cache ran out (measured with <c>--auth-token-ttl 2</c>: the first
/// request after 4 s idle failed, and so did every one after it). The rejected request itself is retried by
/// <see cref="EtcdRetry"/>, which <see cref="EtcdTransientErrors.IsRejectedToken"/> tells to.
/// </summary>
/// <param name="onTokenRejected">Drops the client's cached token, so the next request authenticates first.</param>
internal sealed class EtcdTokenRejectionHandler(Action onTokenRejected) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);

        // etcd answers an error before any message "trailers-only": the gRPC status is in the response headers.
        if (IsRejectedToken(response.Headers))
        {
            onTokenRejected();
        }

        return response;
    }

    private static bool IsRejectedToken(HttpResponseHeaders headers) =>
        headers.TryGetValues("grpc-status", out var status) && status.FirstOrDefault() == "16"
        && headers.TryGetValues("grpc-message", out var message) && message.FirstOrDefault() is { } text
        && Uri.UnescapeDataString(text).Contains(EtcdTransientErrors.InvalidAuthToken, StringComparison.Ordinal);
}
