using SessionStore.Sql;

namespace SessionStore.Tests;

public sealed class TableNameTests
{
    [Theory]
    [InlineData("sessions", "`sessions`")]
    [InlineData("app.sessions", "`app`.`sessions`")]
    [InlineData("Sess$ions_2", "`Sess$ions_2`")]
    public void Parse_ValidName_IsQuotedWithBackticks(string value, string quoted)
    {
        Assert.Equal(quoted, TableName.Parse(value).Quoted);
    }

    [Theory]
    [InlineData("sessions; DROP TABLE x")]
    [InlineData("sess`ions")]
    [InlineData("sess'ions")]
    [InlineData("sess\"ions")]
    [InlineData("a.b.c")]
    [InlineData("123")]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("sessions ")]
    [InlineData("tä")]
    public void Validate_NameThatCouldCarrySql_IsRejected(string value)
    {
        Assert.NotNull(TableName.Validate(value));
        Assert.Throws<ArgumentException>(() => TableName.Parse(value));
    }

    [Fact]
    public void Validate_NameOver64Characters_IsRejected()
    {
        Assert.Null(TableName.Validate(new string('t', 64)));
        Assert.NotNull(TableName.Validate(new string('t', 65)));
    }

    [Fact]
    public void Quote_DoublesEmbeddedBackticks()
    {
        Assert.Equal("`a``b`", SqlIdentifier.Quote("a`b"));
    }
}
