using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using SessionStore.Connections;
using SessionStore.DataProtection;
using SessionStore.DataProtection.Internal;

// The namespace of the framework's own PersistKeysToFileSystem and of the Redis and EF Core stores, so that the method is found
// where users look for it, next to SetApplicationName.
namespace Microsoft.AspNetCore.DataProtection;

/// <summary>Stores the ASP.NET Core Data Protection key ring in a MySQL or MariaDB table.</summary>
public static class DbiDataProtectionBuilderExtensions
{
    /// <summary>
    /// Keeps the key ring in a MySQL/MariaDB table (one row per key), so that every server of a web farm that points at the
    /// same table, with the same <c>SetApplicationName</c>, can read what the others protect — session and authentication
    /// cookies among it. The options are bound from <paramref name="configuration"/> (a section with the keys <c>Dsn</c>,
    /// <c>User</c>, <c>Password</c>, <c>Table</c> and <c>CreateTableIfMissing</c>) and validated when the host starts.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToDbi(this IDataProtectionBuilder builder, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configuration);
        builder.Services.Configure<DbiXmlRepositoryOptions>(configuration);
        return AddCore(builder);
    }

    /// <summary>
    /// Keeps the key ring in a MySQL/MariaDB table (one row per key), configured by <paramref name="configure"/>, so that every
    /// server of a web farm that points at the same table, with the same <c>SetApplicationName</c>, can read what the others
    /// protect. The options are validated when the host starts.
    /// </summary>
    public static IDataProtectionBuilder PersistKeysToDbi(this IDataProtectionBuilder builder, Action<DbiXmlRepositoryOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        builder.Services.Configure(configure);
        return AddCore(builder);
    }

    private static IDataProtectionBuilder AddCore(IDataProtectionBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DbiXmlRepositoryOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<DbiXmlRepositoryOptions>, DbiXmlRepositoryOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);

        // A singleton of DI, not only a property of KeyManagementOptions, so that the provider disposes the data source it owns.
        services.TryAddSingleton(static provider =>
        {
            var options = provider.GetRequiredService<IOptions<DbiXmlRepositoryOptions>>().Value;
            return new DbiXmlRepository(
                options,
                ConnectionSource.Create(options.ToConnectionSettings(), provider),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetService<ILogger<DbiXmlRepository>>() ?? NullLogger<DbiXmlRepository>.Instance);
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<KeyManagementOptions>, KeyManagementOptionsSetup>());
        return builder;
    }
}
