namespace SessionStore.AspNetCore;

/// <summary>
/// Options of the sessions shared with a running Dancer 1 app (<c>AddDancerSessions</c>). The table, its columns and the
/// connection are the cache's (<see cref="DbiSessionCacheOptions"/>): the Dancer app's rows live in the same table.
/// </summary>
public sealed class DancerSessionOptions
{
    /// <summary>The Dancer app's session cookie: its <c>session_name</c> setting. Default: <c>dancer.session</c>.</summary>
    public string CookieName { get; set; } = "dancer.session";

    /// <summary>The cookie's domain (Dancer's <c>session_domain</c>); <see langword="null"/> for the request's host. Default: <see langword="null"/>.</summary>
    public string? CookieDomain { get; set; }

    /// <summary>
    /// Whether the cookie is sent over HTTPS only (Dancer's <c>session_secure</c>). Default: <see langword="false"/>, as
    /// Dancer's; set it when the site is served over HTTPS.
    /// </summary>
    public bool CookieSecure { get; set; }
}
