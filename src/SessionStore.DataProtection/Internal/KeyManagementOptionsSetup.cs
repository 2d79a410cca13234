using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace SessionStore.DataProtection.Internal;

/// <summary>Points the key manager at <see cref="DbiXmlRepository"/>; a class rather than a lambda so it registers once however often <c>PersistKeysToDbi</c> is called.</summary>
internal sealed class KeyManagementOptionsSetup(DbiXmlRepository repository) : IConfigureOptions<KeyManagementOptions>
{
    public void Configure(KeyManagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.XmlRepository = repository;
    }
}
