using dotnet_etcd;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SessionStore.Etcd;
using SessionStore.Etcd.Configuration;
using SessionStore.Etcd.Connections;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="EtcdSessionCache"/> as the app's <see cref="IDistributedCache"/>.</summary>
public static class EtcdSessionCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="EtcdSessionCache"/> as the <see cref="IDistributedCache"/> (replacing an earlier one, such as
    /// <c>AddDistributedMemoryCache</c>), with options bound from <paramref name="configuration"/>: a section with the keys
    /// <c>Dsn</c> or <c>Endpoints</c>, <c>User</c>, <c>Password</c>, <c>KeyPrefix</c> and the other
    /// <see cref="EtcdSessionCacheOptions"/> properties. The options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddEtcdSessionCache(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<EtcdSessionCacheOptions>(configuration);
        return AddCore(services);
    }

    /// <summary>
    /// Registers <see cref="EtcdSessionCache"/> as the <see cref="IDistributedCache"/> (replacing an earlier one), configured by
    /// <paramref name="configure"/>. The options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddEtcdSessionCache(this IServiceCollection services, Action<EtcdSessionCacheOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.AddOptions<EtcdSessionCacheOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EtcdSessionCacheOptions>, EtcdSessionCacheOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<EtcdSessionCacheOptions>>().Value;
            var fromServices = options.UseClientFromServices;
            return new EtcdSessionCache(
                options,
                fromServices ? provider.GetRequiredService<EtcdClient>() : EtcdClientFactory.Create(options),
                ownsClient: !fromServices,
                provider.GetRequiredService<TimeProvider>(),
                provider.GetService<ILogger<EtcdSessionCache>>() ?? NullLogger<EtcdSessionCache>.Instance);
        });

        // Add, not TryAdd: the last IDistributedCache registered wins, so this replaces AddDistributedMemoryCache.
        services.Add(ServiceDescriptor.Singleton<IDistributedCache>(static provider => provider.GetRequiredService<EtcdSessionCache>()));
        return services;
    }
}
