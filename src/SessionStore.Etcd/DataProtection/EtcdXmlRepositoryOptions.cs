namespace SessionStore.Etcd.DataProtection;

/// <summary>
/// Options of the Data Protection key-ring store registered by <c>PersistKeysToEtcd</c>. The store connects with the
/// <see cref="EtcdSessionCacheOptions"/> of <c>AddEtcdSessionCache</c> (the same members, user, TLS, or the
/// <c>EtcdClient</c> from DI), so a web farm configures etcd once.
/// </summary>
public sealed class EtcdXmlRepositoryOptions
{
    /// <summary>
    /// The prefix of the key ring's etcd keys; each element is stored under the prefix and its friendly name
    /// (<c>dataprotection/key-{guid}</c>). It must not overlap the cache's <see cref="EtcdSessionCacheOptions.KeyPrefix"/>.
    /// Default: <c>dataprotection/</c>.
    /// </summary>
    public string KeyPrefix { get; set; } = "dataprotection/";
}
