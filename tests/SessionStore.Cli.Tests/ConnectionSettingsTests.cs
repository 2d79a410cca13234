using MySqlConnector;

namespace SessionStore.Cli.Tests;

/// <summary>Where the tool takes its connection from — the same options as the library — and how it fails.</summary>
public sealed class ConnectionSettingsTests
{
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AWrongPassword_ExitsWith2_AndNoMessageShowsThePassword(bool fromEnvironment)
    {
        var password = "Wr0ng-" + Guid.NewGuid().ToString("N");
        var connectionString = await TestDatabase.ConnectionStringAsync();
        string[] arguments = ["schema", "verify", "--dsn", connectionString];
        var environment = new Dictionary<string, string>();
        if (fromEnvironment)
        {
            environment["SessionStore__Password"] = password;
        }
        else
        {
            arguments = [.. arguments, "--password", password];
        }

        var result = (await CliTool.RunAsync(arguments, environment)).ShouldExitWith(2);

        Assert.Contains("Cannot connect to", result.Error, StringComparison.Ordinal);
        Assert.Contains("Access denied", result.Error, StringComparison.Ordinal);
        Assert.DoesNotContain(password, result.Output + result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AServerThatDoesNotAnswer_ExitsWith2()
    {
        var result = (await CliTool.RunAsync("stats", "--dsn", "Server=127.0.0.1;Port=1;Database=none;Connection Timeout=5")).ShouldExitWith(2);

        Assert.Contains("Cannot connect to 127.0.0.1:1", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoConnectionSetting_ExitsWith2_SayingWhereToPutOne()
    {
        var result = (await CliTool.RunAsync("schema", "verify")).ShouldExitWith(2);

        Assert.Contains("No connection is configured: give --dsn", result.Error, StringComparison.Ordinal);
        Assert.Contains("SessionStore__Dsn", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SettingsAreValidatedAsTheLibraryDoes_EveryProblemAtOnce()
    {
        var result = (await CliTool.RunAsync("schema", "verify", "--dsn", "Server=127.0.0.1;Database=x",
            "--table", "bad-name", "--id-column", "bad column")).ShouldExitWith(2);

        Assert.Contains("The settings are not valid:", result.Error, StringComparison.Ordinal);
        Assert.Contains("Table 'bad-name' is not a table name", result.Error, StringComparison.Ordinal);
        Assert.Contains("IdColumn 'bad column' is not a column name", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSettingsFile_IsOverriddenByTheEnvironment_WhichIsOverriddenByTheCommandLine()
    {
        await using var table = await TestTable.CreateFullAsync();
        var connectionString = await TestDatabase.ConnectionStringAsync();
        var settings = Path.Combine(Path.GetTempPath(), $"sessionstore-cli-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(settings, $$"""
            { "SessionStore": { "Dsn": "{{connectionString.Replace("\\", "\\\\", StringComparison.Ordinal)}}", "Table": "cli_from_file" } }
            """);
        try
        {
            var fromFile = (await CliTool.RunAsync(["schema", "verify", "--settings", settings], null)).ShouldExitWith(1);
            var fromEnvironment = (await CliTool.RunAsync(["schema", "verify", "--settings", settings],
                new Dictionary<string, string> { ["SessionStore__Table"] = table.Name })).ShouldExitWith(0);
            var fromCommandLine = (await CliTool.RunAsync(["schema", "verify", "--settings", settings, "--table", "cli_from_command_line"],
                new Dictionary<string, string> { ["SessionStore__Table"] = table.Name })).ShouldExitWith(1);

            Assert.Contains("Table 'cli_from_file'", fromFile.Output, StringComparison.Ordinal);
            Assert.Contains($"Table '{table.Name}'", fromEnvironment.Output, StringComparison.Ordinal);
            Assert.Contains("Table 'cli_from_command_line'", fromCommandLine.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(settings);
        }
    }

    [Fact]
    public async Task APerlDbiDsn_IsTranslatedAsTheLibraryDoes()
    {
        await using var table = await TestTable.CreateFullAsync();
        var server = new MySqlConnectionStringBuilder(await TestDatabase.ConnectionStringAsync());
        var dsn = $"DBI:mysql:database={server.Database};host={server.Server};port={server.Port}";

        var result = (await CliTool.RunAsync(["stats", "--dsn", dsn, "--user", server.UserID, "--table", table.Name],
            new Dictionary<string, string> { ["SessionStore__Password"] = server.Password ?? "" })).ShouldExitWith(0);

        Assert.Contains("Rows:            0", result.Output, StringComparison.Ordinal);
    }
}
