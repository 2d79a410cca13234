using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using SessionStore.Connections;

namespace SessionStore.Tests;

/// <summary>The one way the cache, the key ring and the tool obtain connections, without a server.</summary>
public sealed class ConnectionSourceTests
{
    private static ConnectionSettings KeyRing(string? dsn = null, DbDataSource? dataSource = null) => new()
    {
        Consumer = "PersistKeysToDbi",
        Purpose = "the key ring",
        Dsn = dsn,
        DataSource = dataSource,
    };

    [Fact]
    public void Create_FromTheCachesDsn_OwnsAPoolWithoutConnectionReset()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        using var source = ConnectionSource.Create(
            ConnectionSettings.ForCache(new DbiSessionCacheOptions { Dsn = "DBI:mysql:database=d;host=h", User = "u", Password = "p" }), services);

        var built = new MySqlConnectionStringBuilder(source.OwnedConnectionString!);
        Assert.False(built.ConnectionReset);
        Assert.Equal(("h", "d", "u", "p"), (built.Server, built.Database, built.UserID, built.Password));
    }

    [Fact]
    public void Create_FromADsnOfAConsumerThatKeepsTheReset_OwnsAPoolWithConnectionReset()
    {
        using var services = new ServiceCollection().BuildServiceProvider();
        using var source = ConnectionSource.Create(KeyRing(dsn: "Server=h;Database=d"), services);

        Assert.True(new MySqlConnectionStringBuilder(source.OwnedConnectionString!).ConnectionReset);
    }

    [Fact]
    public void Create_FromTheCallersDataSource_OwnsNothing()
    {
        using var dataSource = new MySqlDataSource("Server=h;Database=d");
        using var services = new ServiceCollection().BuildServiceProvider();

        using var source = ConnectionSource.Create(KeyRing(dataSource: dataSource), services);

        Assert.Null(source.OwnedConnectionString);
    }

    [Fact]
    public void Create_WithNoSource_NamesTheConsumerAndOnlyTheSourcesItOffers()
    {
        using var services = new ServiceCollection().BuildServiceProvider();

        var keyRing = Assert.Throws<InvalidOperationException>(() => ConnectionSource.Create(KeyRing(), services));
        var cache = Assert.Throws<InvalidOperationException>(() => ConnectionSource.Create(ConnectionSettings.ForCache(new DbiSessionCacheOptions()), services));

        Assert.Equal("No connection is configured for PersistKeysToDbi: set Dsn or DataSource, or register a DbDataSource in DI.", keyRing.Message);
        Assert.Equal(
            "No connection is configured for DbiSessionCache: set Dsn, DataSource, DataSourceServiceKey or ConnectionFactory, or register a DbDataSource in DI.",
            cache.Message);
    }

    [Fact]
    public void ConnectionSettings_ToString_ShowsNeitherThePasswordNorTheDsn()
    {
        var settings = ConnectionSettings.ForCache(new DbiSessionCacheOptions { Dsn = "Server=h;Password=hunter2", Password = "hunter3" });

        Assert.DoesNotContain("hunter", settings.ToString(), StringComparison.Ordinal);
    }
}
