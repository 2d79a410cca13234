using System.Reflection;
using System.Text.RegularExpressions;
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
    public void CreateTable_ForTheDefaultName_IsTheStatementInTheSchemaFile()
    {
        var file = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schema", "001_create_sessions.sql"));
        var statementInFile = string.Join('\n', file.Split('\n').Where(line => !line.StartsWith("--", StringComparison.Ordinal))).Trim();

        Assert.Equal(SqlStatements.CreateTableDdl(TableName.Parse("sessions")).ReplaceLineEndings("\n").Trim(), statementInFile);
    }

    [Theory]
    [InlineData("ExpiryColumns")]
    [InlineData("LastActive")]
    [InlineData("None")]
    public void Statements_UseOnlyTheDeclaredParameters(string expiryMode)
    {
        // The statement text spells parameters out (@now, not {NowParameter}) so that it reads as SQL; the constants are what
        // the callers bind. This holds the two together. @schema and @table are the information-schema queries' own.
        var declared = typeof(SqlStatements).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.Name.EndsWith("Parameter", StringComparison.Ordinal))
            .Select(f => (string)f.GetRawConstantValue()!)
            .Concat(["@schema", "@table"])
            .ToHashSet(StringComparer.Ordinal);
        var layout = TableLayout.Default with { Expiry = Enum.Parse<ExpiryMode>(expiryMode) };

        var text = SqlGoldenFiles.Render(new SqlStatements(TableName.Parse("sessions"), SqlDialect.MySql, layout, CausalReads.GroupReplication));

        // The coalesced forms number a declared parameter per id or row (@id0, @data2); the numbers are stripped.
        var used = Regex.Matches(text, @"(?<![@\w])@\w+").Select(m => m.Value.TrimEnd("0123456789".ToCharArray())).Distinct(StringComparer.Ordinal);
        Assert.All(used, parameter => Assert.Contains(parameter, declared));
        Assert.Contains("@id2", text, StringComparison.Ordinal);
    }
}
