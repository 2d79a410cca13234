using Microsoft.Extensions.DependencyInjection;

namespace SessionStore.Etcd.Tests.Security;

/// <summary>Builds the cache the way an app does (<c>AddEtcdSessionCache</c>, so through the options validator and the client factory).</summary>
internal static class SecuredCacheFactory
{
    public static (ServiceProvider Services, EtcdSessionCache Cache) Create(Action<EtcdSessionCacheOptions> configure)
    {
        var services = new ServiceCollection().AddEtcdSessionCache(options =>
        {
            // One attempt's deadline bounds how long a failing test waits.
            options.RequestTimeout = TimeSpan.FromSeconds(5);
            configure(options);
        }).BuildServiceProvider();
        return (services, services.GetRequiredService<EtcdSessionCache>());
    }
}
