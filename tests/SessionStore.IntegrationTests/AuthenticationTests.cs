using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MySqlConnector;
using SessionStore.DevServer;

namespace SessionStore.IntegrationTests;

/// <summary>
/// Logging in as users meet it: a fresh application user with the server's default authentication plugin, with and without
/// TLS. On MySQL 8+ that plugin is caching_sha2_password, whose first login without TLS needs the server's RSA key.
/// </summary>
public sealed class AuthenticationTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    [Fact]
    public async Task NewUser_WithoutTls_FirstConnection_JustWorks()
    {
        var (plugin, dsn) = await CreateApplicationUserAsync(sslMode: MySqlSslMode.None);
        using var host = BuildHost(dsn);

        // MySQL 8+ gives a new user caching_sha2_password, MariaDB mysql_native_password.
        Assert.Equal(table.Family == MySqlServerFamily.MySql ? "caching_sha2_password" : "mysql_native_password", plugin);

        // Measured with MySqlConnector 2.6.2: on MySQL 9.7 the first login of such a user over plain TCP succeeds without
        // AllowPublicKeyRetrieval; the README's troubleshooting names that setting for the combinations where it does not.
        await host.StartAsync();
        await AssertRoundTripAsync(host);
        Assert.True(string.IsNullOrEmpty(await TlsVersionAsync(dsn)), "SslMode=None still used TLS.");
        await host.StopAsync();
    }

    [Fact]
    public async Task NewUser_OverTlsWhereTheServerOffersIt_JustWorks()
    {
        var (plugin, dsn) = await CreateApplicationUserAsync(sslMode: MySqlSslMode.Preferred);
        using var host = BuildHost(dsn);

        await host.StartAsync();
        await AssertRoundTripAsync(host);

        if (table.Family == MySqlServerFamily.MySql)
        {
            // MySQL 8+ makes its own certificate at initialisation, so Preferred (MySqlConnector's default) is TLS, and
            // caching_sha2_password sends the password inside it.
            Assert.Equal("caching_sha2_password", plugin);
            Assert.False(string.IsNullOrEmpty(await TlsVersionAsync(dsn)), "MySQL offered no TLS to a Preferred connection.");
        }

        await host.StopAsync();
    }

    private IHost BuildHost(string dsn)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDbiSessionCache(o =>
        {
            o.Dsn = dsn;
            o.Table = table.Table;
            o.SweepExpiredEntries = false;
        });
        return builder.Build();
    }

    private static async Task AssertRoundTripAsync(IHost host)
    {
        var cache = host.Services.GetRequiredService<Microsoft.Extensions.Caching.Distributed.IDistributedCache>();
        var key = Guid.NewGuid().ToString();
        await cache.SetAsync(key, [1, 2, 3], new());
        Assert.Equal([1, 2, 3], await cache.GetAsync(key));
    }

    /// <summary>A user made the way a DBA makes one (no plugin named), so it gets the server's default plugin.</summary>
    private async Task<(string Plugin, string Dsn)> CreateApplicationUserAsync(MySqlSslMode sslMode)
    {
        var server = new MySqlConnectionStringBuilder(table.ConnectionString);
        var user = "auth" + Guid.NewGuid().ToString("N")[..10];
        var password = "pw-" + Guid.NewGuid().ToString("N");
        await table.ExecuteAsync($"CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY @p", ("@p", password));
        await table.ExecuteAsync($"GRANT SELECT, INSERT, UPDATE, DELETE ON `{server.Database}`.* TO '{user}'@'127.0.0.1'");
        var plugin = await table.ScalarAsync<string>("SELECT plugin FROM mysql.user WHERE user = @u", ("@u", user))
            ?? throw new InvalidOperationException("The user just created is not in mysql.user.");
        var dsn = new MySqlConnectionStringBuilder
        {
            Server = server.Server,
            Port = server.Port,
            Database = server.Database,
            UserID = user,
            Password = password,
            SslMode = sslMode,
        };
        return (plugin, dsn.ConnectionString);
    }

    private static async Task<string?> TlsVersionAsync(string dsn)
    {
        await using var connection = new MySqlConnection(dsn);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SHOW SESSION STATUS LIKE 'Ssl_version'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        return await reader.ReadAsync() ? reader.GetString(1) : null;
    }
}
