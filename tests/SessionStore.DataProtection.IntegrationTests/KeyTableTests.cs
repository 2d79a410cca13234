using SessionStore.Sql;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using MySqlConnector;

namespace SessionStore.DataProtection.IntegrationTests;

/// <summary>How the store meets its table: missing, created on demand, misshapen, qualified, or named with SQL in it.</summary>
public sealed class KeyTableTests(KeyTablesFixture tables) : IClassFixture<KeyTablesFixture>
{
    private static string Protect(IServiceProvider provider, string text) =>
        provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("p").Protect(text);

    /// <summary>Data Protection reports a store's failure as a CryptographicException around it; this returns the store's own.</summary>
    private static InvalidOperationException ProtectFails(IServiceProvider provider)
    {
        var exception = Assert.Throws<CryptographicException>(() => Protect(provider, "x"));
        return Assert.IsType<InvalidOperationException>(exception.InnerException);
    }

    [Fact]
    public void MissingTable_WithoutCreateTableIfMissing_FailsNamingTheTableAndTheSchemaFile()
    {
        var name = tables.NewTableName("missing");
        using var provider = tables.CreateProvider(name);

        var exception = ProtectFails(provider);

        Assert.Contains($"The Data Protection key table '{name}' does not exist in database", exception.Message, StringComparison.Ordinal);
        Assert.Contains("schema/mysql/002_create_dataprotection_keys.sql", exception.Message, StringComparison.Ordinal);
        Assert.Contains("CreateTableIfMissing", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MissingTable_WithCreateTableIfMissing_IsCreatedOnFirstUse_WithTheSchemaColumns()
    {
        var name = tables.NewTableName("created");
        using var provider = tables.CreateProvider(name, o => o.CreateTableIfMissing = true);

        Protect(provider, "x");

        Assert.Equal("id,friendly_name,xml,created_at", await tables.ScalarAsync<string>(
            "SELECT GROUP_CONCAT(COLUMN_NAME ORDER BY ORDINAL_POSITION) FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @t",
            ("@t", name)));
        Assert.Equal(1L, await tables.ScalarAsync<long>($"SELECT COUNT(*) FROM `{name}`"));
    }

    [Fact]
    public async Task MissingTableFailure_IsNotRemembered_TheStoreWorksOnceTheTableExists()
    {
        var name = tables.NewTableName("late");
        using var provider = tables.CreateProvider(name);
        ProtectFails(provider);

        await tables.ExecuteAsync(SessionStore.DataProtection.Sql.SqlStatements.CreateTableDdl(TableName.Parse(name)));

        Protect(provider, "x");
        Assert.Equal(1L, await tables.ScalarAsync<long>($"SELECT COUNT(*) FROM `{name}`"));
    }

    [Fact]
    public async Task TableWithoutTheSchemaColumns_FailsNamingEveryMissingOne()
    {
        var name = tables.NewTableName("legacy");
        await tables.ExecuteAsync($"CREATE TABLE `{name}` (id INT AUTO_INCREMENT PRIMARY KEY, xml TEXT)");
        using var provider = tables.CreateProvider(name);

        var exception = ProtectFails(provider);

        Assert.Contains($"'{name}' lacks the columns 'friendly_name', 'created_at'", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TableQualifiedWithItsDatabase_IsUsed()
    {
        var name = tables.NewTableName("qualified");
        var database = new MySqlConnectionStringBuilder(tables.ConnectionString).Database;
        using var provider = tables.CreateProvider($"{database}.{name}", o => o.CreateTableIfMissing = true);

        var protectedText = Protect(provider, "x");

        Assert.Equal("x", provider.GetRequiredService<IDataProtectionProvider>().CreateProtector("p").Unprotect(protectedText));
        Assert.True(await tables.TableExistsAsync(name));
    }

    [Theory]
    [InlineData("keys; DROP TABLE {0}")]
    [InlineData("keys`; DROP TABLE `{0}`; -- ")]
    [InlineData("keys'; DROP TABLE {0}; -- ")]
    [InlineData("keys\"; DROP TABLE {0}; -- ")]
    public async Task TableNameCarryingSql_IsRefusedWhenTheHostStarts_AndNothingReachesTheServer(string template)
    {
        var victim = await tables.CreateTableAsync();
        var table = string.Format(System.Globalization.CultureInfo.InvariantCulture, template, victim);
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddDataProtection().SetApplicationName("x").PersistKeysToDbi(o =>
        {
            o.Dsn = tables.ConnectionString;
            o.Table = table;
            o.CreateTableIfMissing = true;
        });
        using var host = builder.Build();

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());

        Assert.StartsWith($"Table '{table}' is not a table name", Assert.Single(failure.Failures), StringComparison.Ordinal);
        Assert.True(await tables.TableExistsAsync(victim));
    }
}
