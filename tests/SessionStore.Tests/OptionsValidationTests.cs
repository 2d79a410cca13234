using System.Data.Common;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace SessionStore.Tests;

public sealed class OptionsValidationTests
{
    private static OptionsValidationException ResolveFailure(Action<DbiSessionCacheOptions> configure, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        more?.Invoke(services);
        services.AddDbiSessionCache(configure);
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DbiSessionCacheOptions>>().Value);
    }

    [Fact]
    public void Validate_NoConnection_SaysHowToConfigureOne()
    {
        var failure = ResolveFailure(_ => { });

        Assert.Contains("No connection is configured", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Dsn", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var failure = ResolveFailure(o =>
        {
            o.Dsn = "DBI:Pg:dbname=x";
            o.Table = "sessions; DROP TABLE x";
            o.DefaultSlidingExpiration = TimeSpan.Zero;
            o.KeyStorage = (DbiSessionKeyStorage)7;
        });

        Assert.Equal(4, failure.Failures.Count());
        Assert.Contains(failure.Failures, f => f.StartsWith("Dsn cannot be used", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("Table 'sessions; DROP TABLE x' is not a table name", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("DefaultSlidingExpiration must be positive", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("KeyStorage is 7", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_TwoWaysToConnect_IsAnError()
    {
        using var dataSource = new MySqlDataSource("Server=127.0.0.1;Database=d");

        var failure = ResolveFailure(o =>
        {
            o.Dsn = "Server=127.0.0.1;Database=d";
            o.DataSource = dataSource;
        });

        Assert.Contains("Set only one way to connect; Dsn, DataSource are all set.", failure.Failures);
    }

    [Fact]
    public void Validate_UserWithoutDsn_IsAnError()
    {
        using var dataSource = new MySqlDataSource("Server=127.0.0.1;Database=d");

        var failure = ResolveFailure(o =>
        {
            o.DataSource = dataSource;
            o.User = "u";
        });

        Assert.Contains(failure.Failures, f => f.StartsWith("User and Password apply only with Dsn", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DsnWithoutDatabaseAndUnqualifiedTable_IsAnError()
    {
        var failure = ResolveFailure(o => o.Dsn = "Server=127.0.0.1");

        Assert.Contains(failure.Failures, f => f.Contains("names no database", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_DsnWithoutDatabaseAndQualifiedTable_IsValid()
    {
        var services = new ServiceCollection().AddDbiSessionCache(o =>
        {
            o.Dsn = "Server=127.0.0.1";
            o.Table = "app.sessions";
        });
        using var provider = services.BuildServiceProvider();

        Assert.Equal("app.sessions", provider.GetRequiredService<IOptions<DbiSessionCacheOptions>>().Value.Table);
    }

    [Fact]
    public void Validate_UnknownServiceKey_NamesTheKey()
    {
        var failure = ResolveFailure(o => o.DataSourceServiceKey = "sessions-db");

        Assert.Contains(failure.Failures, f => f.Contains("no DbDataSource is registered in DI with that key", StringComparison.Ordinal)
            && f.Contains("'sessions-db'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_FailureMessages_NeverContainThePassword()
    {
        var failure = ResolveFailure(o =>
        {
            o.Dsn = "Server=h;Password=hunter2;Bogus=1";
            o.Password = "hunter3";
        });

        Assert.DoesNotContain("hunter2", failure.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter3", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddDbiSessionCache_FromConfiguration_BindsTheAncestorsFourKeys()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["SessionStore:Dsn"] = "DBI:mysql:database=testing;host=127.0.0.1;port=3306",
            ["SessionStore:Table"] = "web_sessions",
            ["SessionStore:User"] = "user",
            ["SessionStore:Password"] = "password",
            ["SessionStore:DefaultSlidingExpiration"] = "00:30:00",
            ["SessionStore:KeyStorage"] = "Verbatim",
        }).Build();
        var services = new ServiceCollection().AddDbiSessionCache(configuration.GetSection("SessionStore"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DbiSessionCacheOptions>>().Value;

        Assert.Equal("DBI:mysql:database=testing;host=127.0.0.1;port=3306", options.Dsn);
        Assert.Equal("web_sessions", options.Table);
        Assert.Equal("user", options.User);
        Assert.Equal("password", options.Password);
        Assert.Equal(TimeSpan.FromMinutes(30), options.DefaultSlidingExpiration);
        Assert.Equal(DbiSessionKeyStorage.Verbatim, options.KeyStorage);
    }

    [Fact]
    public void AddDbiSessionCache_AfterTheMemoryCache_ReplacesIt()
    {
        var services = new ServiceCollection()
            .AddDistributedMemoryCache()
            .AddDbiSessionCache(o => o.Dsn = "Server=127.0.0.1;Database=d");
        using var provider = services.BuildServiceProvider();

        var cache = provider.GetRequiredService<IDistributedCache>();

        Assert.IsType<DbiSessionCache>(cache);
        Assert.Same(cache, provider.GetRequiredService<DbiSessionCache>());
    }

    [Fact]
    public void AddDbiSessionCache_WithoutConnectionOptions_UsesTheDbDataSourceFromDi()
    {
        var services = new ServiceCollection()
            .AddSingleton<DbDataSource>(new MySqlDataSource("Server=127.0.0.1;Database=d"))
            .AddDbiSessionCache(_ => { });
        using var provider = services.BuildServiceProvider();

        Assert.IsType<DbiSessionCache>(provider.GetRequiredService<IDistributedCache>());
    }

    [Fact]
    public void Cache_AfterDispose_ThrowsObjectDisposedException()
    {
        var services = new ServiceCollection().AddDbiSessionCache(o => o.Dsn = "Server=127.0.0.1;Database=d");
        var provider = services.BuildServiceProvider();
        var cache = provider.GetRequiredService<IDistributedCache>();

        provider.Dispose();

        Assert.Throws<ObjectDisposedException>(() => cache.Get("key"));
    }
}
