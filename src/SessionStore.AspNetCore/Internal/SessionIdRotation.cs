using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Session;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using SessionStore.Keys;

namespace SessionStore.AspNetCore.Internal;

/// <summary>
/// Rotates the id of a session kept by the stock <see cref="SessionMiddleware"/>. It depends on three details of that
/// middleware in ASP.NET Core 10.0 (src/Middleware/Session): the cookie is the session key (a 36-character GUID string),
/// UTF-8 encoded, protected with the purpose "SessionMiddleware" and Base64-encoded without padding; the middleware commits
/// whatever <see cref="ISessionFeature.Session"/> holds when the request ends; and an <see cref="ISessionStore"/> creates
/// sessions. <see cref="VerifiedMajorVersion"/> pins the version these were checked against.
/// </summary>
internal static class SessionIdRotation
{
    internal const int VerifiedMajorVersion = 10;

    private const int SessionKeyLength = 36;
    private const string ProtectorPurpose = nameof(SessionMiddleware);
    private static readonly object s_currentKeyItem = new();

    public static async Task<bool> RotateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        EnsureVerifiedMiddleware();
        var feature = context.Features.Get<ISessionFeature>()
            ?? throw new InvalidOperationException("There is no session to rotate: add app.UseSession() before the endpoint that rotates it.");
        if (context.Response.HasStarted)
        {
            throw new InvalidOperationException(
                "The session id must be rotated before the response starts, because the new id travels in a response cookie.");
        }

        var services = context.RequestServices;
        var options = services.GetRequiredService<IOptions<SessionOptions>>().Value;
        var protector = services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ProtectorPurpose);
        var currentKey = context.Items[s_currentKeyItem] as string ?? KeyFromRequestCookie(context, options, protector);
        if (currentKey is null)
        {
            return false; // Begun in this request: the client has never seen its id.
        }

        // Persist what this request changed so far under the old id, then move it.
        await feature.Session.CommitAsync(cancellationToken).ConfigureAwait(false);
        var newKey = NewSessionKey();
        var cache = services.GetRequiredService<IDistributedCache>();
        await MoveAsync(cache, currentKey, newKey, options.IdleTimeout, cancellationToken).ConfigureAwait(false);

        feature.Session = services.GetRequiredService<ISessionStore>()
            .Create(newKey, options.IdleTimeout, options.IOTimeout, static () => true, isNewSessionKey: false);
        context.Items[s_currentKeyItem] = newKey;

        var response = context.Response;
        response.Cookies.Append(options.Cookie.Name!, Protect(protector, newKey), options.Cookie.Build(context));
        response.Headers[HeaderNames.CacheControl] = "no-cache,no-store";
        response.Headers[HeaderNames.Pragma] = "no-cache";
        response.Headers[HeaderNames.Expires] = "-1";
        return true;
    }

    internal static void EnsureVerifiedMiddleware()
    {
        var version = typeof(SessionMiddleware).Assembly.GetName().Version;
        if (version?.Major != VerifiedMajorVersion)
        {
            throw new NotSupportedException(
                $"RegenerateSessionIdAsync was verified with the session middleware of ASP.NET Core {VerifiedMajorVersion}.0, " +
                $"but this app runs {version}. Use a SessionStore.AspNetCore release built for that version.");
        }
    }

    private static async Task MoveAsync(IDistributedCache cache, string currentKey, string newKey, TimeSpan idleTimeout, CancellationToken cancellationToken)
    {
        // A store of ours moves the entry in one transaction; any other cache gets a copy and a remove.
        if (cache is IKeyMovingCache moving)
        {
            await moving.ChangeKeyAsync(currentKey, newKey, cancellationToken).ConfigureAwait(false);
            return;
        }

        var value = await cache.GetAsync(currentKey, cancellationToken).ConfigureAwait(false);
        if (value is not null)
        {
            await cache.SetAsync(newKey, value, new DistributedCacheEntryOptions { SlidingExpiration = idleTimeout }, cancellationToken).ConfigureAwait(false);
        }

        await cache.RemoveAsync(currentKey, cancellationToken).ConfigureAwait(false);
    }

    private static string? KeyFromRequestCookie(HttpContext context, SessionOptions options, IDataProtector protector)
    {
        var cookie = context.Request.Cookies[options.Cookie.Name!];
        if (string.IsNullOrEmpty(cookie))
        {
            return null;
        }

        try
        {
            var padded = cookie.PadRight(cookie.Length + ((4 - (cookie.Length % 4)) % 4), '=');
            var key = Encoding.UTF8.GetString(protector.Unprotect(Convert.FromBase64String(padded)));

            // The middleware replaced a cookie it could not read with a new session; so do we.
            return key.Length == SessionKeyLength ? key : null;
        }
        catch (FormatException)
        {
            return null;
        }
        catch (CryptographicException)
        {
            return null;
        }
    }

    private static string NewSessionKey() => new Guid(RandomNumberGenerator.GetBytes(16)).ToString();

    private static string Protect(IDataProtector protector, string key) =>
        Convert.ToBase64String(protector.Protect(Encoding.UTF8.GetBytes(key))).TrimEnd('=');
}
