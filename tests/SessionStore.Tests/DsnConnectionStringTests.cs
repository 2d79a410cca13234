using MySqlConnector;
using SessionStore.Connections;

namespace SessionStore.Tests;

public sealed class DsnConnectionStringTests
{
    [Fact]
    public void Build_PerlDbiDsnWithAttributes_TranslatesDatabaseHostAndPort()
    {
        var built = new MySqlConnectionStringBuilder(
            DsnConnectionString.Build("DBI:mysql:database=testing;host=127.0.0.1;port=3306", "user", "password"));

        Assert.Equal("testing", built.Database);
        Assert.Equal("127.0.0.1", built.Server);
        Assert.Equal(3306u, built.Port);
        Assert.Equal("user", built.UserID);
        Assert.Equal("password", built.Password);
    }

    [Theory]
    [InlineData("dbi:mysql:testing", "testing", "", 3306u)]
    [InlineData("DBI:mysql:testing@db.example:3307", "testing", "db.example", 3307u)]
    [InlineData("DBI:MariaDB:db=shop;hostname=db1", "shop", "db1", 3306u)]
    public void Build_ShortPerlDbiForms_AreTranslated(string dsn, string database, string server, uint port)
    {
        var built = new MySqlConnectionStringBuilder(DsnConnectionString.Build(dsn, null, null));

        Assert.Equal(database, built.Database);
        Assert.Equal(server, built.Server);
        Assert.Equal(port, built.Port);
    }

    [Fact]
    public void Build_PerlDbiSocket_UsesUnixSocketProtocol()
    {
        var built = new MySqlConnectionStringBuilder(
            DsnConnectionString.Build("DBI:mysql:database=t;mysql_socket=/run/mysqld/mysqld.sock", null, null));

        Assert.Equal("/run/mysqld/mysqld.sock", built.Server);
        Assert.Equal(MySqlConnectionProtocol.UnixSocket, built.ConnectionProtocol);
    }

    [Fact]
    public void Build_ConnectionString_UserAndPasswordOverrideThoseInTheDsn()
    {
        var built = new MySqlConnectionStringBuilder(
            DsnConnectionString.Build("Server=h;Database=d;User ID=old;Password=old", "new", "secret"));

        Assert.Equal("new", built.UserID);
        Assert.Equal("secret", built.Password);
        Assert.Equal("d", built.Database);
    }

    [Fact]
    public void Build_WithoutUserAndPassword_KeepsThoseInTheDsn()
    {
        var built = new MySqlConnectionStringBuilder(DsnConnectionString.Build("Server=h;User ID=u;Password=p", null, null));

        Assert.Equal("u", built.UserID);
        Assert.Equal("p", built.Password);
    }

    [Theory]
    [InlineData("DBI:Pg:dbname=x", "only 'mysql' and 'MariaDB'")]
    [InlineData("DBI:mysql:database=x;port=99999", "port '99999'")]
    [InlineData("DBI:mysql:database=x;mysql_read_default_file=/etc/my.cnf", "'mysql_read_default_file' has no MySqlConnector equivalent")]
    [InlineData("DBI:mysql", "must have the form")]
    [InlineData("Server=h;NoSuchKeyword=1", "not a valid MySqlConnector connection string")]
    public void Build_UnusableDsn_ThrowsFormatExceptionNamingThePart(string dsn, string expected)
    {
        var exception = Assert.Throws<FormatException>(() => DsnConnectionString.Build(dsn, null, null));

        Assert.Contains(expected, exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_InvalidConnectionStringWithPassword_DoesNotRepeatThePassword()
    {
        var exception = Assert.Throws<FormatException>(() => DsnConnectionString.Build("Password=hunter2;Bogus=1", null, null));

        Assert.DoesNotContain("hunter2", exception.Message, StringComparison.Ordinal);
    }
}
