using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace SessionStore.Etcd.ClusterTests;

/// <summary>The etcd cache built through the real DI registration, on the endpoints given, and the provider that owns it.</summary>
internal sealed class EtcdClusterCache(ServiceProvider provider) : IDisposable
{
    /// <summary>
    /// What every Set of the cluster tests passes: an absolute expiry, so a Get never writes (no sliding extension) and a
    /// read through a frozen or partitioned member is a read and nothing else.
    /// </summary>
    public static readonly DistributedCacheEntryOptions EntryOptions = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(20) };

    public IDistributedCache Cache { get; } = provider.GetRequiredService<IDistributedCache>();

    /// <summary>A cache on <paramref name="endpoints"/> only, through AddEtcdSessionCache as an app would build it.</summary>
    public static EtcdClusterCache Create(IEnumerable<string> endpoints, bool serializableReads)
    {
        var provider = new ServiceCollection()
            .AddEtcdSessionCache(options =>
            {
                options.Endpoints = [.. endpoints];
                options.SerializableReads = serializableReads;
            })
            .BuildServiceProvider();
        return new EtcdClusterCache(provider);
    }

    public void Dispose() => provider.Dispose();
}
