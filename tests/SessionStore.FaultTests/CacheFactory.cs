using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using SessionStore.IntegrationTests;

namespace SessionStore.FaultTests;

/// <summary>
/// A cache through the real DI registration, with a fake clock, on a server or database of the test's own: what
/// <see cref="SessionTableFixture.CreateCache"/> builds on the shared table, for tests that kill servers or connections.
/// </summary>
internal static class CacheFactory
{
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public static CacheUnderTest Create(
        string connectionString,
        string table,
        Action<DbiSessionCacheOptions>? configure = null,
        ILogger<DbiSessionCache>? logger = null)
    {
        var clock = new FakeTimeProvider(Start);
        var collection = new ServiceCollection().AddSingleton<TimeProvider>(clock);
        if (logger is not null)
        {
            collection.AddSingleton(logger);
        }

        collection.AddDbiSessionCache(o =>
        {
            o.Dsn = connectionString;
            o.Table = table;
            configure?.Invoke(o);
        });
        var provider = collection.BuildServiceProvider();
        return new CacheUnderTest(provider, provider.GetRequiredService<IDistributedCache>(), clock);
    }
}
