using dotnet_etcd;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SessionStore.Etcd;
using SessionStore.Etcd.Connections;
using SessionStore.Etcd.DataProtection;

// The namespace of the framework's own PersistKeysToFileSystem and of PersistKeysToDbi, so that the method is found where
// users look for it, next to SetApplicationName.
namespace Microsoft.AspNetCore.DataProtection;

/// <summary>Stores the ASP.NET Core Data Protection key ring in etcd.</summary>
public static class EtcdDataProtectionBuilderExtensions
{
    /// <summary>
    /// Keeps the key ring in etcd (one key per element, under <see cref="EtcdXmlRepositoryOptions.KeyPrefix"/>, default
    /// <c>dataprotection/</c>), so that every server of a web farm that uses the same etcd, with the same
    /// <c>SetApplicationName</c>, can read what the others protect — session and authentication cookies among it. It connects
    /// as <c>AddEtcdSessionCache</c> does (the same <see cref="EtcdSessionCacheOptions"/>), which must be registered too. The
    /// options are validated when the host starts.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToEtcd(this IDataProtectionBuilder builder, Action<EtcdXmlRepositoryOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;
        if (configure is not null)
        {
            services.Configure(configure);
        }

        services.AddOptions<EtcdXmlRepositoryOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EtcdXmlRepositoryOptions>, EtcdXmlRepositoryOptionsValidator>());

        // A singleton of DI, not only a property of KeyManagementOptions, so that the provider disposes the client it owns.
        // Its own client rather than the cache's: the key ring is read once a day, and its lifetime is then independent.
        services.TryAddSingleton(static provider =>
        {
            var connection = provider.GetRequiredService<IOptions<EtcdSessionCacheOptions>>().Value;
            var fromServices = connection.UseClientFromServices;
            return new EtcdXmlRepository(
                provider.GetRequiredService<IOptions<EtcdXmlRepositoryOptions>>().Value,
                fromServices ? provider.GetRequiredService<EtcdClient>() : EtcdClientFactory.Create(connection),
                ownsClient: !fromServices,
                new EtcdRequestDeadline(connection.RequestTimeout),
                provider.GetService<ILogger<EtcdXmlRepository>>() ?? NullLogger<EtcdXmlRepository>.Instance);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KeyManagementOptions>, EtcdKeyManagementOptionsSetup>());
        return builder;
    }
}
