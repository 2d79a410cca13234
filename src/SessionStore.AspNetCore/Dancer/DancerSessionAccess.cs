using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using SessionStore.AspNetCore.Dancer;

namespace SessionStore.AspNetCore.Dancer;

/// <summary>Finds the request's Dancer session (once per request), or makes one.</summary>
internal static class DancerSessionAccess
{
    /// <summary>Where the request keeps its Dancer session, so that every caller in a request shares one.</summary>
    public static readonly object ItemKey = new();

    public static async Task<DancerSession?> GetAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (context.Items.TryGetValue(ItemKey, out var known))
        {
            return (DancerSession?)known;
        }

        var (store, options) = Services(context);
        var (binding, _) = await store.BindAsync(cancellationToken).ConfigureAwait(false);
        DancerSession? session = null;
        if (context.Request.Cookies.TryGetValue(options.CookieName, out var id) && DancerSessionId.IsAcceptable(id, binding.Shape.IdCapacity)
            && await store.ReadAsync(id, cancellationToken).ConfigureAwait(false) is { } text)
        {
            session = new DancerSession(store, context, options, id, DancerDocument.Parse(text), stored: true);
        }

        context.Items[ItemKey] = session;
        return session;
    }

    public static async Task<DancerSession> GetOrCreateAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (await GetAsync(context, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return existing;
        }

        var (store, options) = Services(context);
        var id = DancerSessionId.NewStrongId();
        var session = new DancerSession(store, context, options, id, DancerDocument.New(id), stored: false);
        session.WriteCookie();
        context.Items[ItemKey] = session;
        return session;
    }

    private static (DancerSessionStore Store, DancerSessionOptions Options) Services(HttpContext context) =>
        (context.RequestServices.GetService<DancerSessionStore>()
            ?? throw new InvalidOperationException("Dancer sessions are not registered: call services.AddDancerSessions() beside AddDbiSessionCache()."),
         context.RequestServices.GetRequiredService<IOptions<DancerSessionOptions>>().Value);
}
