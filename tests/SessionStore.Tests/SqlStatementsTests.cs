using SessionStore.Sql;

namespace SessionStore.Tests;

public sealed class SqlStatementsTests
{
    [Theory]
    [InlineData("10.11.19-MariaDB-0+deb12u1", "MariaDb")]
    [InlineData("5.5.5-10.6.12-MariaDB", "MariaDb")]
    [InlineData("8.4.3", "MySql")]
    [InlineData("9.1.0-commercial", "MySql")]
    [InlineData("8.0.19", "MySql")]
    [InlineData("8.0.18-log", "MySqlBeforeRowAlias")]
    public void FromServerVersion_PicksTheDialect(string version, string expected)
    {
        Assert.Equal(Enum.Parse<SqlDialect>(expected), SqlDialectDetector.FromServerVersion(version));
    }

    [Fact]
    public void Set_OnMySql_UsesTheRowAliasAndNoValuesFunction()
    {
        var set = new SqlStatements(TableName.Parse("sessions"), SqlDialect.MySql, TableLayout.Default).Set;

        Assert.Contains(") AS new", set, StringComparison.Ordinal);
        Assert.Contains("`session_data` = new.`session_data`", set, StringComparison.Ordinal);
        Assert.DoesNotContain("VALUES(", set, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("MariaDb")]
    [InlineData("MySqlBeforeRowAlias")]
    public void Set_WithoutRowAliases_UsesTheValuesFunction(string dialect)
    {
        var set = new SqlStatements(TableName.Parse("sessions"), Enum.Parse<SqlDialect>(dialect), TableLayout.Default).Set;

        Assert.Contains("`session_data` = VALUES(`session_data`)", set, StringComparison.Ordinal);
        Assert.DoesNotContain("AS new", set, StringComparison.Ordinal);
    }

    [Fact]
    public void Statements_QuoteTheQualifiedTableName()
    {
        var statements = new SqlStatements(TableName.Parse("app.web_sessions"), SqlDialect.MariaDb, TableLayout.Default);

        Assert.All(new[] { statements.ExtendAndSelect, statements.Set, statements.Refresh!, statements.Remove, statements.ChangeId, SqlStatements.CreateTableDdl(statements.Table) },
            sql => Assert.Contains("`app`.`web_sessions`", sql, StringComparison.Ordinal));
    }

    [Fact]
    public void CreateTable_ForTheDefaultName_IsTheStatementInTheSchemaFile()
    {
        var file = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schema", "001_create_sessions.sql"));
        var statementInFile = string.Join('\n', file.Split('\n').Where(line => !line.StartsWith("--", StringComparison.Ordinal))).Trim();

        Assert.Equal(SqlStatements.CreateTableDdl(TableName.Parse("sessions")).ReplaceLineEndings("\n").Trim(), statementInFile);
    }

    [Fact]
    public void LegacyLayouts_UseTheConfiguredColumns_AndPinTimestampsToUtc()
    {
        var layout = new TableLayout("sid", "blob_data", "touched", ExpiryMode.LastActive, DataEncoding.Base64Text, UsesTimestampColumns: true);

        var statements = new SqlStatements(TableName.Parse("legacy"), SqlDialect.MariaDb, layout);

        Assert.StartsWith("SET time_zone = '+00:00';", statements.ExtendAndSelect, StringComparison.Ordinal);
        Assert.Contains("SELECT `blob_data`", statements.ExtendAndSelect, StringComparison.Ordinal);
        Assert.Contains("`touched` > DATE_SUB(@now, INTERVAL @sliding_window_us MICROSECOND)", statements.ExtendAndSelect, StringComparison.Ordinal);
        Assert.Contains("INSERT INTO `legacy` (`sid`, `blob_data`, `touched`)", statements.Set, StringComparison.Ordinal);
        Assert.DoesNotContain("expires_at", statements.ExtendAndSelect + statements.Set + statements.Refresh + statements.ChangeId, StringComparison.Ordinal);
    }

    [Fact]
    public void MinimalLayout_HasNoRefresh_AndWritesOnlyIdAndData()
    {
        var layout = new TableLayout("id", "session_data", "last_active", ExpiryMode.None, DataEncoding.Base64Text, UsesTimestampColumns: false);

        var statements = new SqlStatements(TableName.Parse("sessions"), SqlDialect.MySql, layout);

        Assert.Null(statements.Refresh);
        Assert.Contains("INSERT INTO `sessions` (`id`, `session_data`) VALUES (@id, @data) AS new", statements.Set, StringComparison.Ordinal);
        Assert.DoesNotContain("last_active", statements.ExtendAndSelect + statements.Set + statements.ChangeId, StringComparison.Ordinal);
    }
}
