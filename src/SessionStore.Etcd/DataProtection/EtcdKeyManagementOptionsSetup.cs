using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Options;

namespace SessionStore.Etcd.DataProtection;

/// <summary>Points the key manager at <see cref="EtcdXmlRepository"/>; a class rather than a lambda so it registers once however often <c>PersistKeysToEtcd</c> is called.</summary>
internal sealed class EtcdKeyManagementOptionsSetup(EtcdXmlRepository repository) : IConfigureOptions<KeyManagementOptions>
{
    public void Configure(KeyManagementOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.XmlRepository = repository;
    }
}
