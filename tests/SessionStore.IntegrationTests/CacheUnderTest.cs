using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Time.Testing;

namespace SessionStore.IntegrationTests;

/// <summary>A cache built by DI, its fake clock, and the provider that owns it.</summary>
public sealed class CacheUnderTest(ServiceProvider provider, IDistributedCache cache, FakeTimeProvider clock) : IDisposable
{
    public IDistributedCache Cache { get; } = cache;

    public IBufferDistributedCache BufferCache => (IBufferDistributedCache)Cache;

    public FakeTimeProvider Clock { get; } = clock;

    public ServiceProvider Provider { get; } = provider;

    public void Dispose() => Provider.Dispose();
}
