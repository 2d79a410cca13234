using SessionStore.Testing;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Caching.Hybrid;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace SessionStore.HybridCache.Tests;

/// <summary>
/// A table of its own for one test class, created by the cache itself (<see cref="DbiSessionCacheOptions.CreateTableIfMissing"/>)
/// and dropped afterwards; and HybridCache instances on it, each with an L1 of its own, as on separate servers of a farm.
/// </summary>
public sealed class HybridCacheFixture : IAsyncLifetime
{
    private string? _connectionString;

    public string Table { get; } = "hybrid_" + Guid.NewGuid().ToString("N")[..16];

    public async Task InitializeAsync() => _connectionString = (await TestServer.GetAsync("sessionstore_hybrid_tests")).ConnectionString;

    public async Task DisposeAsync()
    {
        await using var connection = new MySqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"DROP TABLE IF EXISTS `{Table}`", connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// A HybridCache as an app registers it (<c>AddDbiSessionCache</c>, then <c>AddHybridCache</c>), with its L2 calls
    /// recorded on the way to the real <see cref="DbiSessionCache"/>.
    /// </summary>
    internal HybridCacheUnderTest CreateHybridCache()
    {
        var services = new ServiceCollection();
        services.AddDbiSessionCache(o =>
        {
            o.Dsn = _connectionString ?? throw new InvalidOperationException("The fixture is not initialized.");
            o.Table = Table;
            o.CreateTableIfMissing = true;
        });

        // Registered after AddDbiSessionCache, so this is the IDistributedCache HybridCache finds; it forwards to the real one.
        services.AddSingleton<IDistributedCache>(sp => new RecordingBufferCache(sp.GetRequiredService<DbiSessionCache>()));

        // HybridCache's own key limit (1024 by default) is raised so that long keys reach the L2; DbiSessionCache's digest
        // keys have no limit of their own.
        services.AddHybridCache(o => o.MaximumKeyLength = 64 * 1024);

        var provider = services.BuildServiceProvider();
        return new HybridCacheUnderTest(
            provider,
            provider.GetRequiredService<Microsoft.Extensions.Caching.Hybrid.HybridCache>(),
            (RecordingBufferCache)provider.GetRequiredService<IDistributedCache>());
    }
}
