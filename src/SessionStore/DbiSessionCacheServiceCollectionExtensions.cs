using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SessionStore;
using SessionStore.Configuration;
using SessionStore.Connections;
using SessionStore.Hosting;
using SessionStore.Sweeping;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers <see cref="DbiSessionCache"/> as the app's <see cref="IDistributedCache"/>.</summary>
public static class DbiSessionCacheServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="DbiSessionCache"/> as the <see cref="IDistributedCache"/> (replacing an earlier one, such as
    /// <c>AddDistributedMemoryCache</c>), with options bound from <paramref name="configuration"/>: a section with the keys
    /// <c>Dsn</c>, <c>Table</c>, <c>User</c>, <c>Password</c> and the other <see cref="DbiSessionCacheOptions"/> properties.
    /// The options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddDbiSessionCache(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.Configure<DbiSessionCacheOptions>(configuration);
        return AddCore(services);
    }

    /// <summary>
    /// Registers <see cref="DbiSessionCache"/> as the <see cref="IDistributedCache"/> (replacing an earlier one), configured by
    /// <paramref name="configure"/>. The options are validated when the host starts.
    /// </summary>
    public static IServiceCollection AddDbiSessionCache(this IServiceCollection services, Action<DbiSessionCacheOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.Configure(configure);
        return AddCore(services);
    }

    private static IServiceCollection AddCore(IServiceCollection services)
    {
        services.AddOptions<DbiSessionCacheOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DbiSessionCacheOptions>, DbiSessionCacheOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<DbiSessionCacheOptions>>().Value;
            return new DbiSessionCache(
                options,
                ConnectionSource.Create(ConnectionSettings.ForCache(options), provider),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetService<ILogger<DbiSessionCache>>() ?? NullLogger<DbiSessionCache>.Instance,
                options.ProtectValues ? provider.GetService<IDataProtectionProvider>() : null);
        });

        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, TableStartupCheck>(static provider => new TableStartupCheck(
            provider.GetRequiredService<IDistributedCache>(),
            provider.GetService<ILogger<TableStartupCheck>>() ?? NullLogger<TableStartupCheck>.Instance)));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ExpiredEntrySweeper>(static provider => new ExpiredEntrySweeper(
            provider.GetRequiredService<DbiSessionCache>(),
            provider.GetRequiredService<IOptions<DbiSessionCacheOptions>>(),
            provider.GetRequiredService<TimeProvider>(),
            provider.GetService<ILogger<ExpiredEntrySweeper>>() ?? NullLogger<ExpiredEntrySweeper>.Instance)));

        // Add, not TryAdd: the last IDistributedCache registered wins, so this replaces AddDistributedMemoryCache.
        services.Add(ServiceDescriptor.Singleton<IDistributedCache>(static provider => provider.GetRequiredService<DbiSessionCache>()));
        return services;
    }
}
