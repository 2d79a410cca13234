namespace SessionStore.Cli.Tests;

public sealed class SchemaVerifyTests
{
    [Fact]
    public async Task Verify_FullSchema_IsOk_AndSaysWhichLayoutAndWhy()
    {
        await using var table = await TestTable.CreateFullAsync();

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "verify")).ShouldExitWith(0);

        Assert.Contains("OK: the cache can use this table.", result.Output, StringComparison.Ordinal);
        Assert.Contains("Layout: full schema (expiry columns, binary values)", result.Output, StringComparison.Ordinal);
        Assert.Contains("Why: the table has the expiry columns", result.Output, StringComparison.Ordinal);
        Assert.Contains("Values: up to 16,777,215 bytes in 'session_data' (mediumblob)", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Hint", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_TheAncestorsMinimalTable_IsOk_WithItsLimits_AndPointsToUpgrade()
    {
        await using var table = await TestTable.CreateAsync("id CHAR(40) PRIMARY KEY, session_data TEXT");

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "verify")).ShouldExitWith(0);

        Assert.Contains("Layout: legacy (entries never expire; values as Base64 in the text column 'session_data')", result.Output, StringComparison.Ordinal);
        Assert.Contains("absolute expirations are refused", result.Output, StringComparison.Ordinal);
        Assert.Contains("Values: up to 49,149 bytes", result.Output, StringComparison.Ordinal);
        Assert.Contains("'sessionstore schema upgrade' converts the table", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AMissingColumn_IsNamed_AndExitsWith1()
    {
        await using var table = await TestTable.CreateFullAsync();
        await TestDatabase.ExecuteAsync($"ALTER TABLE `{table.Name}` DROP COLUMN sliding_window_us");

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "verify")).ShouldExitWith(1);

        Assert.Contains($"Defect: The table '{table.Name}' does not have a shape the cache can use: missing column 'sliding_window_us'.",
            result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("OK", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AWrongType_IsNamed_WithWhatItMustBe()
    {
        await using var table = await TestTable.CreateFullAsync();
        await TestDatabase.ExecuteAsync($"ALTER TABLE `{table.Name}` MODIFY COLUMN expires_at BIGINT NOT NULL");

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "verify")).ShouldExitWith(1);

        Assert.Contains("column 'expires_at' is bigint", result.Output, StringComparison.Ordinal);
        Assert.Contains("it must be DATETIME(6) (or TIMESTAMP)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_ADataColumnOfAnUnusableType_IsNamed()
    {
        await using var table = await TestTable.CreateAsync("id CHAR(40) PRIMARY KEY, session_data INT");

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "verify")).ShouldExitWith(1);

        Assert.Contains("column 'session_data' is int", result.Output, StringComparison.Ordinal);
        Assert.Contains("it must be binary (MEDIUMBLOB, LONGBLOB, BLOB, VARBINARY) or text (TEXT, VARCHAR)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AnIdThatIsNotAKey_IsADefect()
    {
        await using var table = await TestTable.CreateAsync("id CHAR(40) NOT NULL, session_data BLOB NOT NULL");

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "verify")).ShouldExitWith(1);

        Assert.Contains("Defect: column 'id' is neither the primary key nor a unique key", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_AMissingTable_ExitsWith1()
    {
        var result = (await CliTool.RunOnAsync("cli_no_such_table", "schema", "verify")).ShouldExitWith(1);

        Assert.Contains("Defect: the table does not exist", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verify_UsesTheConfiguredColumnNames()
    {
        await using var table = await TestTable.CreateAsync("sid CHAR(40) PRIMARY KEY, payload BLOB NOT NULL, touched DATETIME(6) NOT NULL");

        var result = (await CliTool.RunOnAsync(table.Name,
            "schema", "verify", "--id-column", "sid", "--data-column", "payload", "--last-active-column", "touched")).ShouldExitWith(0);

        Assert.Contains("Layout: legacy (entries expire the sliding window after 'touched'; binary values)", result.Output, StringComparison.Ordinal);
    }
}
