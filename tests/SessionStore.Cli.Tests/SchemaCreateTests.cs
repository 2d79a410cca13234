using SessionStore.Sql;

namespace SessionStore.Cli.Tests;

public sealed class SchemaCreateTests
{
    [Fact]
    public async Task Create_MakesTheFullSchemaTable_AndLeavesItAloneTheSecondTime()
    {
        await using var table = TestTable.Unused();

        var first = (await CliTool.RunOnAsync(table.Name, "schema", "create")).ShouldExitWith(0);
        var created = await TestDatabase.ShowCreateTableAsync(table.Name);
        var second = (await CliTool.RunOnAsync(table.Name, "schema", "create")).ShouldExitWith(0);

        Assert.Contains($"Table '{table.Name}' in database", first.Output, StringComparison.Ordinal);
        Assert.Contains("created with the full schema", first.Output, StringComparison.Ordinal);
        Assert.Contains("already exists; nothing was changed", second.Output, StringComparison.Ordinal);
        Assert.Equal(created, await TestDatabase.ShowCreateTableAsync(table.Name));
        Assert.Contains("KEY `ix_expires_at` (`expires_at`)", created, StringComparison.Ordinal);
        var shape = await TestDatabase.ShapeAsync(table.Name);
        Assert.Equal(TableLayout.Default, shape.Layout);
    }
}
