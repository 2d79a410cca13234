using SessionStore.Sql;

namespace SessionStore.Cli.Tests;

public sealed class SchemaScriptTests
{
    [Fact]
    public async Task Script_PrintsSchema001_ForTheGivenTable()
    {
        var result = (await CliTool.RunAsync("schema", "script", "--table", "app.web_sessions")).ShouldExitWith(0);

        Assert.Equal(SqlStatements.CreateTableDdl(TableName.Parse("app.web_sessions")), result.Output.TrimEnd());
    }

    [Fact]
    public async Task Script_Minimal_PrintsTheAncestorsTable_WhichTheCacheUsesAsItStands()
    {
        await using var table = TestTable.Unused();
        var result = (await CliTool.RunAsync("schema", "script", "--minimal", "--table", table.Name, "--id-column", "sid")).ShouldExitWith(0);
        await TestDatabase.ExecuteAsync(result.Output);

        var shape = await TestDatabase.ShapeAsync(table.Name, new ColumnNames("sid", SessionColumns.Data, SessionColumns.LastActive));

        Assert.Contains("`sid` CHAR(40) NOT NULL PRIMARY KEY", result.Output, StringComparison.Ordinal);
        Assert.Contains("`session_data` TEXT", result.Output, StringComparison.Ordinal);
        Assert.Contains("`last_active` TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP", result.Output, StringComparison.Ordinal);
        Assert.Equal(ExpiryMode.LastActive, shape.Layout.Expiry);
        Assert.Equal(DataEncoding.Base64Text, shape.Layout.Encoding);
    }

    [Fact]
    public async Task Script_WithRenamedColumns_RefusesTheFullSchema_WhoseColumnNamesAreFixed()
    {
        var result = (await CliTool.RunAsync("schema", "script", "--data-column", "payload")).ShouldExitWith(2);

        Assert.Contains("The full schema names its columns id, session_data and last_active", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }

    [Fact]
    public async Task Script_TakesTheTableFromTheSettingsFile_AndTheSectionNamed()
    {
        var settings = Path.Combine(Path.GetTempPath(), $"sessionstore-cli-{Guid.NewGuid():N}.json");
        await File.WriteAllTextAsync(settings, """{ "Sessions": { "Table": "from_the_file" } }""");
        try
        {
            var result = (await CliTool.RunAsync("schema", "script", "--settings", settings, "--section", "Sessions")).ShouldExitWith(0);

            Assert.StartsWith("CREATE TABLE IF NOT EXISTS `from_the_file`", result.Output, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(settings);
        }
    }

    [Fact]
    public async Task Script_WithATableNameThatCouldCarrySql_ExitsWith2()
    {
        var result = (await CliTool.RunAsync("schema", "script", "--table", "sessions; DROP TABLE users")).ShouldExitWith(2);

        Assert.Contains("Table 'sessions; DROP TABLE users' is not a table name this library accepts", result.Error, StringComparison.Ordinal);
        Assert.Empty(result.Output);
    }
}
