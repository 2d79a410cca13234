using System.Data.Common;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace SessionStore.DataProtection.Tests;

public sealed class OptionsValidationTests
{
    private const string Dsn = "Server=127.0.0.1;Database=d";

    private static OptionsValidationException ResolveFailure(Action<DbiXmlRepositoryOptions> configure, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        more?.Invoke(services);
        services.AddDataProtection().PersistKeysToDbi(configure);
        using var provider = services.BuildServiceProvider();
        return Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<DbiXmlRepositoryOptions>>().Value);
    }

    private static DbiXmlRepositoryOptions Resolve(Action<DbiXmlRepositoryOptions> configure, Action<IServiceCollection>? more = null)
    {
        var services = new ServiceCollection();
        more?.Invoke(services);
        services.AddDataProtection().PersistKeysToDbi(configure);
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<IOptions<DbiXmlRepositoryOptions>>().Value;
    }

    [Fact]
    public void Defaults_AreTheDocumentedOnes()
    {
        var options = new DbiXmlRepositoryOptions();

        Assert.Equal("dataprotection_keys", options.Table);
        Assert.False(options.CreateTableIfMissing);
        Assert.Null(options.Dsn);
        Assert.Null(options.DataSource);
    }

    [Fact]
    public void Validate_NoConnection_SaysHowToConfigureOne()
    {
        var failure = ResolveFailure(_ => { });

        var message = Assert.Single(failure.Failures);
        Assert.StartsWith("No connection is configured for the key ring", message, StringComparison.Ordinal);
        Assert.Contains("Dsn", message, StringComparison.Ordinal);
        Assert.Contains("DataSource", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_NoConnectionButADbDataSourceInDI_IsValid()
    {
        using var dataSource = new MySqlDataSource(Dsn);

        var options = Resolve(_ => { }, services => services.AddSingleton<DbDataSource>(dataSource));

        Assert.Equal("dataprotection_keys", options.Table);
    }

    [Fact]
    public void Validate_DsnAndDataSource_IsAnError()
    {
        using var dataSource = new MySqlDataSource(Dsn);

        var failure = ResolveFailure(o =>
        {
            o.Dsn = Dsn;
            o.DataSource = dataSource;
        });

        Assert.Contains("Set only one way to connect; Dsn, DataSource are all set.", failure.Failures);
    }

    [Fact]
    public void Validate_BlankDsn_IsAnError()
    {
        var failure = ResolveFailure(o => o.Dsn = "  ");

        Assert.Contains("Dsn is empty; give a connection string or leave it unset.", failure.Failures);
    }

    [Fact]
    public void Validate_UnusableDsn_NamesDsnButDoesNotRepeatIt()
    {
        var failure = ResolveFailure(o => o.Dsn = "DBI:Pg:dbname=x;password=secret");

        var message = Assert.Single(failure.Failures);
        Assert.StartsWith("Dsn cannot be used", message, StringComparison.Ordinal);
        Assert.Contains("'Pg'", message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UserWithoutDsn_IsAnError()
    {
        using var dataSource = new MySqlDataSource(Dsn);

        var failure = ResolveFailure(o =>
        {
            o.DataSource = dataSource;
            o.User = "web";
        });

        Assert.StartsWith("User and Password apply only with Dsn", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("keys; DROP TABLE x")]
    [InlineData("keys`; DROP TABLE x; --")]
    [InlineData("keys'")]
    [InlineData("\"keys\"")]
    [InlineData("a.b.c")]
    [InlineData("keys table")]
    [InlineData("12345")]
    public void Validate_TableCarryingSqlOrPunctuation_IsRefusedNamingTable(string table)
    {
        var failure = ResolveFailure(o =>
        {
            o.Dsn = Dsn;
            o.Table = table;
        });

        var message = Assert.Single(failure.Failures);
        Assert.StartsWith($"Table '{table}' is not a table name", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void Validate_EmptyTable_IsRefusedNamingTable(string table)
    {
        var failure = ResolveFailure(o =>
        {
            o.Dsn = Dsn;
            o.Table = table;
        });

        Assert.Equal("Table must name a table; it is empty.", Assert.Single(failure.Failures));
    }

    [Fact]
    public void Validate_DsnWithoutDatabaseAndUnqualifiedTable_AsksForOne()
    {
        var failure = ResolveFailure(o => o.Dsn = "Server=127.0.0.1");

        Assert.StartsWith("Dsn names no database, and Table 'dataprotection_keys' is not qualified", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DsnWithoutDatabaseAndQualifiedTable_IsValid()
    {
        var options = Resolve(o =>
        {
            o.Dsn = "Server=127.0.0.1";
            o.Table = "app.dataprotection_keys";
        });

        Assert.Equal("app.dataprotection_keys", options.Table);
    }

    [Fact]
    public void Validate_PerlDbiDsnWithUserAndPassword_IsValid()
    {
        var options = Resolve(o =>
        {
            o.Dsn = "DBI:mysql:database=testing;host=127.0.0.1;port=3306";
            o.User = "web";
            o.Password = "pw";
        });

        Assert.Equal("web", options.User);
    }

    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var failure = ResolveFailure(o =>
        {
            o.Dsn = "DBI:Pg:dbname=x";
            o.Table = "keys; DROP TABLE x";
        });

        Assert.Equal(2, failure.Failures.Count());
        Assert.Contains(failure.Failures, f => f.StartsWith("Dsn cannot be used", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("Table 'keys; DROP TABLE x' is not a table name", StringComparison.Ordinal));
    }

    [Fact]
    public void PersistKeysToDbi_FromConfiguration_BindsEveryKey()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["KeyRing:Dsn"] = "DBI:mysql:database=testing;host=db1",
            ["KeyRing:User"] = "web",
            ["KeyRing:Password"] = "pw",
            ["KeyRing:Table"] = "app_keys",
            ["KeyRing:CreateTableIfMissing"] = "true",
        }).Build();
        var services = new ServiceCollection();
        services.AddDataProtection().PersistKeysToDbi(configuration.GetSection("KeyRing"));
        using var provider = services.BuildServiceProvider();

        var options = provider.GetRequiredService<IOptions<DbiXmlRepositoryOptions>>().Value;

        Assert.Equal("DBI:mysql:database=testing;host=db1", options.Dsn);
        Assert.Equal("web", options.User);
        Assert.Equal("pw", options.Password);
        Assert.Equal("app_keys", options.Table);
        Assert.True(options.CreateTableIfMissing);
    }

    [Fact]
    public async Task StartingTheHost_WithATableCarryingSql_FailsBeforeAnyRequest()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDataProtection().PersistKeysToDbi(o =>
        {
            o.Dsn = Dsn;
            o.Table = "keys; DROP TABLE x";
        });
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith("Table 'keys; DROP TABLE x' is not a table name", Assert.Single(failure.Failures), StringComparison.Ordinal);
    }
}
