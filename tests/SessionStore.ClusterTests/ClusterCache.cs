using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;

namespace SessionStore.ClusterTests;

/// <summary>A cache built through the real DI registration, the counter of its retries, and the provider that owns both.</summary>
internal sealed class ClusterCache(ServiceProvider provider, TransientRetryCounter retries) : IDisposable
{
    public IDistributedCache Cache { get; } = provider.GetRequiredService<IDistributedCache>();

    public TransientRetryCounter Retries { get; } = retries;

    public void Dispose() => provider.Dispose();
}
