using SessionStore.Sql;

namespace SessionStore.Cli.Tests;

/// <summary>A table of the test's own, with a unique name, dropped when the test ends.</summary>
internal sealed class TestTable : IAsyncDisposable
{
    private TestTable(string name)
    {
        Name = name;
    }

    public string Name { get; }

    /// <summary>A table with the given column definitions, such as the Perl ancestor's <c>id CHAR(40) PRIMARY KEY, session_data TEXT</c>.</summary>
    public static async Task<TestTable> CreateAsync(string columns, string engine = "InnoDB")
    {
        var table = new TestTable(NewName());
        await TestDatabase.ExecuteAsync($"CREATE TABLE `{table.Name}` ({columns}) ENGINE={engine}");
        return table;
    }

    /// <summary>A table with the full schema (schema 001).</summary>
    public static async Task<TestTable> CreateFullAsync()
    {
        var table = new TestTable(NewName());
        await TestDatabase.ExecuteAsync(SqlStatements.CreateTableDdl(TableName.Parse(table.Name)));
        return table;
    }

    /// <summary>A name no table has yet; dropped (if the test created it) on dispose.</summary>
    public static TestTable Unused() => new(NewName());

    public async ValueTask DisposeAsync() => await TestDatabase.ExecuteAsync($"DROP TABLE IF EXISTS `{Name}`");

    private static string NewName() => "cli_" + Guid.NewGuid().ToString("N")[..16];
}
