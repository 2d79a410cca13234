using System.Diagnostics;
using System.Globalization;
using System.Xml.Linq;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using SessionStore.DataProtection.Internal;

namespace SessionStore.DataProtection.IntegrationTests;

/// <summary>
/// The key ring's statements get the cache's transient retries: a pooled connection killed from the server side (by a DBA, a
/// proxy's idle timeout, a failover) between two operations costs a retry, not a failed key read at the next app start.
/// </summary>
public sealed class ConnectionRetryTests(KeyTablesFixture tables) : IClassFixture<KeyTablesFixture>
{
    private const string RetryEvent = "KeyRingTransientRetry";

    [Fact]
    public async Task PooledConnectionKilledByTheServer_TheNextReadAndStoreSucceedByRetrying()
    {
        // One pooled connection, handed out without MySqlConnector's reset (whose round trip would replace a dead connection
        // before any statement saw it): so the next operation of the store is certain to draw the killed one.
        await using var dataSource = new MySqlDataSource(tables.ConnectionString + ";Connection Reset=false;Maximum Pool Size=1");
        var log = new RecordingLogger();
        using var provider = tables.CreateProvider(
            await tables.CreateTableAsync(),
            o =>
            {
                o.Dsn = null;
                o.DataSource = dataSource;
            },
            services => services.AddSingleton<ILogger<DbiXmlRepository>>(log));
        var repository = provider.GetRequiredService<DbiXmlRepository>();
        repository.StoreElement(new XElement("key", "first"), "key-1");

        await KillThePooledConnectionAsync(dataSource);
        var read = repository.GetAllElements();

        Assert.Equal("first", Assert.Single(read).Value);
        Assert.Equal(1, log.EventNames.Count(name => name == RetryEvent));

        await KillThePooledConnectionAsync(dataSource);
        repository.StoreElement(new XElement("key", "second"), "key-2");

        Assert.Equal(2, log.EventNames.Count(name => name == RetryEvent));
        Assert.Equal(["first", "second"], repository.GetAllElements().Select(e => e.Value));
    }

    /// <summary>Kills, as the server would, the one idle connection of <paramref name="dataSource"/>'s pool, and waits until it is gone.</summary>
    private async Task KillThePooledConnectionAsync(MySqlDataSource dataSource)
    {
        int id;
        await using (var pooled = await dataSource.OpenConnectionAsync())
        {
            id = pooled.ServerThread;
        }

        await tables.ExecuteAsync("KILL CONNECTION " + id.ToString(CultureInfo.InvariantCulture));
        var clock = Stopwatch.StartNew();
        while (await tables.ScalarAsync<long>("SELECT COUNT(*) FROM information_schema.PROCESSLIST WHERE ID = @id", ("@id", id)) > 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Connection {id} was still listed 5 s after KILL.");
            await Task.Delay(50);
        }
    }
}
