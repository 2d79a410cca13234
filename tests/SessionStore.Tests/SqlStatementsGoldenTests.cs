using SessionStore.Sql;

namespace SessionStore.Tests;

/// <summary>
/// Every statement the store can send, for every table layout, dialect and causal-reads mode, compared byte for byte with a
/// golden file under <c>Golden/Sql/</c>: a reviewer reads real SQL, and a change to the SQL is a diff of those files.
/// </summary>
/// <remarks>
/// When a golden file differs or is missing, the test fails and writes what the code produces next to it as
/// <c>*.actual.sql</c>. To accept a deliberate change, run
/// <c>SESSIONSTORE_UPDATE_GOLDEN=1 dotnet test tests/SessionStore.Tests</c>, which rewrites the golden files, and review
/// their diff before committing.
/// </remarks>
public sealed class SqlStatementsGoldenTests
{
    /// <summary>Every layout the store supports; the file name says which. The data encoding is left out (see the test below).</summary>
    private static readonly Dictionary<string, (TableName Table, TableLayout Layout)> s_layouts = new(StringComparer.Ordinal)
    {
        ["expiry-columns"] = (TableName.Parse("sessions"), TableLayout.Default),
        ["expiry-columns-timestamp"] = (TableName.Parse("sessions"), TableLayout.Default with { UsesTimestampColumns = true }),
        ["expiry-columns-renamed"] = (TableName.Parse("app.web_sessions"),
            new TableLayout("sid", "payload", "touched", ExpiryMode.ExpiryColumns, DataEncoding.Binary, UsesTimestampColumns: false)),
        ["last-active"] = (TableName.Parse("sessions"),
            new TableLayout("id", "session_data", "last_active", ExpiryMode.LastActive, DataEncoding.Binary, UsesTimestampColumns: false)),
        ["last-active-timestamp"] = (TableName.Parse("sessions"),
            new TableLayout("id", "session_data", "last_active", ExpiryMode.LastActive, DataEncoding.Binary, UsesTimestampColumns: true)),
        ["last-active-renamed"] = (TableName.Parse("app.legacy"),
            new TableLayout("sid", "blob_data", "touched", ExpiryMode.LastActive, DataEncoding.Binary, UsesTimestampColumns: true)),
        ["no-expiry"] = (TableName.Parse("sessions"),
            new TableLayout("id", "session_data", "last_active", ExpiryMode.None, DataEncoding.Binary, UsesTimestampColumns: false)),
    };

    /// <summary>Layout × dialect × causal-reads mode, the enums by name because they are internal.</summary>
    public static TheoryData<string, string, string> Combinations()
    {
        var data = new TheoryData<string, string, string>();
        foreach (var layout in s_layouts.Keys)
        {
            foreach (var dialect in Enum.GetValues<SqlDialect>())
            {
                foreach (var causalReads in Enum.GetValues<CausalReads>())
                {
                    data.Add(layout, dialect.ToString(), causalReads.ToString());
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Combinations))]
    public void Statements_AreTheGoldenFile(string layout, string dialect, string causalReads)
    {
        var (table, tableLayout) = s_layouts[layout];

        var actual = SqlGoldenFiles.Render(new SqlStatements(table, Enum.Parse<SqlDialect>(dialect), tableLayout, Enum.Parse<CausalReads>(causalReads)));

        var failure = SqlGoldenFiles.Check(FileName(layout, dialect, causalReads), actual);
        Assert.True(failure is null, failure);
    }

    [Fact]
    public void GoldenFolder_HoldsNoFileWithoutACombination()
    {
        var expected = Combinations().Select(row => FileName((string)row[0], (string)row[1], (string)row[2]) + ".sql").ToHashSet(StringComparer.Ordinal);

        var stale = Directory.EnumerateFiles(SqlGoldenFiles.Folder, "*.sql")
            .Select(Path.GetFileName)
            .Where(name => !name!.EndsWith(".actual.sql", StringComparison.Ordinal) && !expected.Contains(name))
            .ToList();

        Assert.True(stale.Count == 0, $"Golden files no test writes (delete them): {string.Join(", ", stale)}");
    }

    [Theory]
    [InlineData("ExpiryColumns")]
    [InlineData("LastActive")]
    [InlineData("None")]
    public void Base64TextData_SendsTheSameSqlAsBinary(string expiryMode)
    {
        var expiry = Enum.Parse<ExpiryMode>(expiryMode);
        // Encoding happens in C# before the value is bound, so the golden files need no Base64 variant; this says so.
        var binary = new TableLayout("id", "session_data", "last_active", expiry, DataEncoding.Binary, UsesTimestampColumns: false);

        var asBinary = SqlGoldenFiles.Render(new SqlStatements(TableName.Parse("sessions"), SqlDialect.MariaDb, binary));
        var asText = SqlGoldenFiles.Render(new SqlStatements(TableName.Parse("sessions"), SqlDialect.MariaDb, binary with { Encoding = DataEncoding.Base64Text }));

        Assert.Equal(asBinary, asText);
    }

    private static string FileName(string layout, string dialect, string causalReads) =>
        $"{layout}.{dialect.ToLowerInvariant()}.{causalReads.ToLowerInvariant()}";
}
