using SessionStore.Testing;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionStore.ClusterTests;

/// <summary>A cache built through the real DI registration, the counter of its retries, and the provider that owns both.</summary>
internal sealed class ClusterCache(ServiceProvider provider, TransientRetryCounter retries) : IDisposable
{
    /// <summary>What every Set of the cluster tests passes.</summary>
    public static readonly DistributedCacheEntryOptions EntryOptions = new() { SlidingExpiration = TimeSpan.FromMinutes(20) };

    public IDistributedCache Cache { get; } = provider.GetRequiredService<IDistributedCache>();

    public TransientRetryCounter Retries { get; } = retries;

    /// <summary>A cache on <paramref name="connectionString"/>, through AddDbiSessionCache as an app would build it.</summary>
    public static ClusterCache Create(string connectionString, bool causalReads)
    {
        var retries = new TransientRetryCounter();
        var provider = new ServiceCollection()
            .AddSingleton<ILogger<DbiSessionCache>>(retries)
            .AddDbiSessionCache(options =>
            {
                options.Dsn = connectionString;
                options.CausalReads = causalReads;
            })
            .BuildServiceProvider();
        return new ClusterCache(provider, retries);
    }

    public void Dispose() => provider.Dispose();
}
