using TableName = SessionStore.Sql.TableName;
using SessionStore.DataProtection.Internal;
using SessionStore.DataProtection.Sql;

namespace SessionStore.DataProtection.Tests;

public sealed class SqlStatementsTests
{
    [Fact]
    public void CreateTable_ForTheDefaultName_IsTheStatementInTheSchemaFile()
    {
        var file = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "schema", "002_create_dataprotection_keys.sql"));
        var statementInFile = string.Join('\n', file.Split('\n').Where(line => !line.StartsWith("--", StringComparison.Ordinal))).Trim();

        Assert.Equal(SqlStatements.CreateTableDdl(TableName.Parse(new DbiXmlRepositoryOptions().Table)).ReplaceLineEndings("\n").Trim(), statementInFile);
    }

    [Fact]
    public void Statements_QuoteTheQualifiedTableName()
    {
        var statements = new SqlStatements(TableName.Parse("app.web_keys"));

        Assert.All(new[] { statements.SelectAll, statements.Store, statements.CreateTable },
            sql => Assert.Contains("`app`.`web_keys`", sql, StringComparison.Ordinal));
    }

    [Fact]
    public void Store_IsIdempotentWithTheSameSqlOnMySqlAndMariaDb()
    {
        var store = new SqlStatements(TableName.Parse("dataprotection_keys")).Store;

        Assert.Contains("ON DUPLICATE KEY UPDATE `xml` = @xml;", store, StringComparison.Ordinal);
        Assert.DoesNotContain("VALUES(", store, StringComparison.Ordinal);
        Assert.DoesNotContain("IGNORE", store, StringComparison.Ordinal);
        Assert.DoesNotContain(" AS new", store, StringComparison.Ordinal);
    }

    [Fact]
    public void SelectAll_ReadsInStorageOrder()
    {
        Assert.EndsWith("ORDER BY `id`;", new SqlStatements(TableName.Parse("k")).SelectAll, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("key-0b8a5d3e-4c1f-4a57-9e55-2f0c4b9d7a11")]
    [InlineData("revocation-20261122T120000Z")]
    [InlineData("Ключ-ß")]
    public void StoredFriendlyName_KeepsAUsableName(string name)
    {
        Assert.Equal(name, DbiXmlRepository.StoredFriendlyName(name));
    }

    [Fact]
    public void StoredFriendlyName_KeepsANameThatFillsTheColumn()
    {
        var name = new string('k', KeyColumns.FriendlyNameCapacity);

        Assert.Equal(name, DbiXmlRepository.StoredFriendlyName(name));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(256)]
    public void StoredFriendlyName_ReplacesAnUnusableNameWithAUniqueOne(object? name)
    {
        var given = name is int length ? new string('k', length) : (string?)name;

        var first = DbiXmlRepository.StoredFriendlyName(given);
        var second = DbiXmlRepository.StoredFriendlyName(given);

        Assert.StartsWith("element-", first, StringComparison.Ordinal);
        Assert.NotEqual(first, second);
    }
}
