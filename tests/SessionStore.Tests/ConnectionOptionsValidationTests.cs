using MySqlConnector;
using SessionStore.Configuration;
using SessionStore.Connections;

namespace SessionStore.Tests;

/// <summary>The connection rules both options classes share, for a consumer that offers fewer sources than the cache.</summary>
public sealed class ConnectionOptionsValidationTests
{
    private static List<string> Validate(string? dsn = null, string? user = null, string? password = null, bool withDataSource = false, string table = "t")
    {
        using var dataSource = withDataSource ? new MySqlDataSource("Server=h;Database=d") : null;
        var settings = new ConnectionSettings
        {
            Consumer = "PersistKeysToDbi",
            Purpose = "the key ring",
            Dsn = dsn,
            User = user,
            Password = password,
            DataSource = dataSource,
        };
        var failures = new List<string>();
        ConnectionOptionsValidation.Validate(settings, table, isService: null, failures);
        return failures;
    }

    [Fact]
    public void Validate_NoSource_NamesThePurposeAndOnlyTheOfferedSources()
    {
        var message = Assert.Single(Validate());

        Assert.Equal(
            "No connection is configured for the key ring: set Dsn (a MySqlConnector connection string or a " +
            "'DBI:mysql:database=NAME;host=HOST' DSN) or DataSource, or register a DbDataSource in DI.",
            message);
    }

    [Fact]
    public void Validate_BlankDsn_ReportsTheBlankDsnOnly()
    {
        Assert.Equal("Dsn is empty; give a connection string or leave it unset.", Assert.Single(Validate(dsn: " ")));
    }

    [Fact]
    public void Validate_UserWithADataSource_SaysToSetItOnTheDataSource()
    {
        Assert.Equal(
            "User and Password apply only with Dsn; set them on the data source instead.",
            Assert.Single(Validate(user: "u", withDataSource: true)));
    }

    [Fact]
    public void Validate_UnusableDsnAndBadTable_ReportsBoth_WithoutThePassword()
    {
        var failures = Validate(dsn: "Server=h;Password=hunter2;Bogus=1", password: "hunter3", table: "t; DROP TABLE x");

        Assert.Equal(2, failures.Count);
        Assert.StartsWith("Dsn cannot be used", failures[0], StringComparison.Ordinal);
        Assert.StartsWith("Table 't; DROP TABLE x' is not a table name", failures[1], StringComparison.Ordinal);
        Assert.DoesNotContain(failures, f => f.Contains("hunter", StringComparison.Ordinal));
    }
}
