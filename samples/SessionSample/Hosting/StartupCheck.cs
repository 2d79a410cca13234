using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionSample.Hosting;

/// <summary>Touches the database before the app takes requests.</summary>
internal static class StartupCheck
{
    /// <summary>
    /// Reads a session key and protects a value, so that a wrong DSN or a missing table stops the app now with the server's
    /// message instead of failing the first click, and so that the tables exist (when the app may create them) and the key
    /// ring holds a key before a second instance starts. Instances that start together on an empty ring each make a first
    /// key of their own, which the others do not know yet.
    /// </summary>
    public static async Task RunAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await services.GetRequiredService<IDistributedCache>().GetAsync("startup-check", cancellationToken);
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector("SessionSample.StartupCheck").Protect("ok");
    }
}
