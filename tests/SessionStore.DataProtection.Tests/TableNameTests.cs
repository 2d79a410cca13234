using SessionStore.Sql;
using SessionStore.DataProtection.Sql;

namespace SessionStore.DataProtection.Tests;

public sealed class TableNameTests
{
    [Fact]
    public void Parse_QualifiedName_SplitsAndQuotesBothParts()
    {
        var table = TableName.Parse("app.dataprotection_keys");

        Assert.Equal("app", table.Database);
        Assert.Equal("dataprotection_keys", table.Table);
        Assert.Equal("`app`.`dataprotection_keys`", table.Quoted);
        Assert.Equal("app.dataprotection_keys", table.ToString());
    }

    [Fact]
    public void Parse_NameCarryingSql_ThrowsArgumentException()
    {
        var exception = Assert.Throws<ArgumentException>(() => TableName.Parse("keys; DROP TABLE x"));

        Assert.Contains("'keys; DROP TABLE x' is not a table name", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Quote_DoublesAnEmbeddedBacktick()
    {
        Assert.Equal("`a``b`", SqlIdentifier.Quote("a`b"));
    }

    [Fact]
    public void IsValid_AcceptsTheLongestNameAndRefusesOneLonger()
    {
        Assert.True(SqlIdentifier.IsValid(new string('k', SqlIdentifier.MaxLength)));
        Assert.False(SqlIdentifier.IsValid(new string('k', SqlIdentifier.MaxLength + 1)));
    }
}
