using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using SessionStore;
using SessionStore.AspNetCore;
using SessionStore.AspNetCore.Dancer;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the sessions shared with a running Dancer 1 app.</summary>
public static class DancerSessionServiceCollectionExtensions
{
    /// <summary>
    /// Lets requests that carry the Dancer app's session cookie read and write that session
    /// (<c>HttpContext.GetDancerSessionAsync</c>), in the table of <c>AddDbiSessionCache</c>, on its connections.
    /// </summary>
    public static IServiceCollection AddDancerSessions(this IServiceCollection services, Action<DancerSessionOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<DancerSessionOptions>()
            .Configure(configure ?? (static _ => { }))
            .Validate(
                static o => !string.IsNullOrEmpty(o.CookieName) && o.CookieName.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'),
                "DancerSessionOptions.CookieName must be a cookie name of ASCII letters, digits, '.', '_' or '-' (Dancer's session_name).")
            .ValidateOnStart();
        services.TryAddSingleton(static provider => new DancerSessionStore(
            provider.GetRequiredService<IDistributedCache>(),
            provider.GetService<TimeProvider>() ?? TimeProvider.System,
            provider.GetRequiredService<IOptions<DbiSessionCacheOptions>>().Value));
        return services;
    }
}
