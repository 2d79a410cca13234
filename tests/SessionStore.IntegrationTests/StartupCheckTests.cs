using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace SessionStore.IntegrationTests;

/// <summary>The table is checked when the host starts, not at the first request.</summary>
public sealed class StartupCheckTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private IHost BuildHost(Action<DbiSessionCacheOptions> configure)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddDbiSessionCache(o =>
        {
            o.Dsn = table.ConnectionString;
            o.SweepExpiredEntries = false;
            configure(o);
        });
        return builder.Build();
    }

    [Fact]
    public async Task MissingTable_StopsTheHostAtStartup_NamingTheTable()
    {
        var name = "absent_" + Guid.NewGuid().ToString("N")[..8];
        using var host = BuildHost(o => o.Table = name);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

        Assert.Contains($"The table '{name}' does not exist", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrongShape_StopsTheHostAtStartup_NamingTheColumn()
    {
        var name = "bad_" + Guid.NewGuid().ToString("N")[..8];
        await table.ExecuteAsync($"CREATE TABLE `{name}` (id CHAR(40) PRIMARY KEY, session_data DATE)");
        try
        {
            using var host = BuildHost(o => o.Table = name);

            var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => host.StartAsync());

            Assert.Contains("column 'session_data' is date", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            await table.ExecuteAsync($"DROP TABLE IF EXISTS `{name}`");
        }
    }

    [Fact]
    public async Task GoodTable_Starts_AndAnUnreachableDatabaseOnlyLogs()
    {
        using var good = BuildHost(o => o.Table = table.Table);
        using var unreachable = BuildHost(o => o.Dsn = "Server=127.0.0.1;Port=1;Database=x;Connection Timeout=2");
        using var unchecked_ = BuildHost(o =>
        {
            o.Table = "absent_" + Guid.NewGuid().ToString("N")[..8];
            o.ValidateTableAtStartup = false;
        });

        await good.StartAsync();
        await unreachable.StartAsync();
        await unchecked_.StartAsync();

        await good.StopAsync();
        await unreachable.StopAsync();
        await unchecked_.StopAsync();
    }
}
