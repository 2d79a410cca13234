using SessionStore.AspNetCore.Internal;

namespace Microsoft.AspNetCore.Http;

/// <summary>Session-id rotation for the stock session middleware (<c>UseSession</c>).</summary>
public static class SessionIdRotationExtensions
{
    /// <summary>
    /// Moves the current session to a new, random id, and sends the new session cookie with the response. Call it right
    /// after sign-in (or any change of privilege), so that a session id planted or seen before (session fixation) is
    /// worthless: afterwards the old id loads nothing. Changes made to the session before the call are kept; later ones go
    /// to the new id.
    /// </summary>
    /// <remarks>
    /// With <c>DbiSessionCache</c> the data moves in one statement. With another <see cref="Microsoft.Extensions.Caching.Distributed.IDistributedCache"/>
    /// it is copied and the old entry removed. A session that began in this request has an id the client has never seen;
    /// it is left as it is. Verified against the session middleware of ASP.NET Core 10.0; other major versions are refused
    /// with <see cref="NotSupportedException"/>, because this relies on how that middleware protects its cookie.
    /// </remarks>
    /// <param name="context">The current request.</param>
    /// <param name="cancellationToken">Cancels the operation.</param>
    /// <returns><see langword="true"/> if the session moved to a new id; <see langword="false"/> if it began in this request.</returns>
    /// <exception cref="InvalidOperationException">The session middleware is not in the pipeline, or the response has started.</exception>
    public static Task<bool> RegenerateSessionIdAsync(this HttpContext context, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(context);
        return SessionIdRotation.RotateAsync(context, cancellationToken);
    }
}
