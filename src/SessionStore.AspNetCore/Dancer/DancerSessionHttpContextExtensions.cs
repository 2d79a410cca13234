using SessionStore.AspNetCore;
using SessionStore.AspNetCore.Dancer;

namespace Microsoft.AspNetCore.Http;

/// <summary>The Dancer 1 app's sessions, from a request that carries its cookie (see <c>AddDancerSessions</c>).</summary>
public static class DancerSessionHttpContextExtensions
{
    /// <summary>
    /// The session the request's Dancer cookie names, or <see langword="null"/> when there is no cookie, its value is not an
    /// id Dancer accepts, or the session does not exist (it ended, or was never stored). One object per request.
    /// </summary>
    public static Task<DancerSession?> GetDancerSessionAsync(this HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return DancerSessionAccess.GetAsync(context, cancellationToken);
    }

    /// <summary>
    /// The request's Dancer session, or a new one with a strong random id whose cookie is sent at once; its row is written by
    /// <see cref="DancerSession.SaveAsync"/>, after which the Dancer app sees it.
    /// </summary>
    public static Task<DancerSession> GetOrCreateDancerSessionAsync(this HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return DancerSessionAccess.GetOrCreateAsync(context, cancellationToken);
    }
}
