using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace SessionStore.DataProtection.IntegrationTests;

/// <summary>Every way to connect reaches the same key ring.</summary>
public sealed class ConnectionTests(KeyTablesFixture tables) : IClassFixture<KeyTablesFixture>
{
    private static IDataProtector Protector(IServiceProvider provider) =>
        provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("p");

    [Fact]
    public async Task PerlDbiDsnWithUserAndPassword_ReachesTheSameKeyRing()
    {
        var table = await tables.CreateTableAsync();
        var server = new MySqlConnectionStringBuilder(tables.ConnectionString);
        using var fromConnectionString = tables.CreateProvider(table);
        using var fromPerlDsn = tables.CreateProvider(table, o =>
        {
            o.Dsn = $"DBI:mysql:database={server.Database};host={server.Server};port={server.Port}";
            o.User = server.UserID;
            o.Password = server.Password;
        });

        var protectedText = Protector(fromConnectionString).Protect("x");

        Assert.Equal("x", Protector(fromPerlDsn).Unprotect(protectedText));
    }

    [Fact]
    public async Task CallersDataSource_IsUsed_AndStillWorksAfterTheProviderIsDisposed()
    {
        var table = await tables.CreateTableAsync();
        await using var dataSource = new MySqlDataSource(tables.ConnectionString);
        var provider = tables.CreateProvider(table, o =>
        {
            o.Dsn = null;
            o.DataSource = dataSource;
        });

        Protector(provider).Protect("x");
        await provider.DisposeAsync();

        await using var connection = await dataSource.OpenConnectionAsync();
        Assert.Equal(1L, await tables.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table}`"));
    }

    [Fact]
    public async Task DbDataSourceInDI_IsUsed_WhenNoConnectionIsConfigured()
    {
        var table = await tables.CreateTableAsync();
        await using var dataSource = new MySqlDataSource(tables.ConnectionString);
        using var provider = tables.CreateProvider(table, o => o.Dsn = null, services => services.AddSingleton<DbDataSource>(dataSource));

        Protector(provider).Protect("x");

        Assert.Equal(1L, await tables.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table}`"));
    }
}
