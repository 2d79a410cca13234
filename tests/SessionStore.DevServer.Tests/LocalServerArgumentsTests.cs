using SessionStore.DevServer.Internal;
using SessionStore.DevServer.LocalProcess;

namespace SessionStore.DevServer.Tests;

public sealed class LocalServerArgumentsTests
{
    private static readonly LocalServerLayout s_layout = new("/tmp/sessionstore-mysql-test");
    private static readonly ServerBinary s_mariaDb = new("/usr/sbin/mariadbd", MySqlServerFamily.MariaDb, "/usr", "/usr/bin/mariadb-install-db", "mariadbd Ver 10.11");
    private static readonly ServerBinary s_mySql = new("/usr/local/mysql/bin/mysqld", MySqlServerFamily.MySql, "/usr/local/mysql", null, "mysqld Ver 8.4.3");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ForServer_EitherFlavor_StartsWithNoDefaultsAndKeepsEveryFileInTheLayout(bool mariaDb)
    {
        var arguments = LocalServerArguments.ForServer(mariaDb ? s_mariaDb : s_mySql, s_layout, 34567, runAsRoot: false);

        Assert.Equal("--no-defaults", arguments[0]);
        Assert.Contains("--bind-address=127.0.0.1", arguments);
        Assert.Contains("--port=34567", arguments);
        Assert.Contains("--datadir=/tmp/sessionstore-mysql-test/data", arguments);
        Assert.Contains("--tmpdir=/tmp/sessionstore-mysql-test/tmp", arguments);
        Assert.Contains("--socket=/tmp/sessionstore-mysql-test/mysqld.sock", arguments);
        Assert.Contains("--pid-file=/tmp/sessionstore-mysql-test/mysqld.pid", arguments);
        Assert.Contains("--log-error=/tmp/sessionstore-mysql-test/error.log", arguments);
        Assert.Contains("--character-set-server=utf8mb4", arguments);
        Assert.Contains("--max-allowed-packet=64M", arguments);
        Assert.Contains("--innodb-flush-log-at-trx-commit=2", arguments);
        Assert.DoesNotContain("--user=root", arguments);
    }

    [Fact]
    public void ForServer_MySql_TurnsOffTheBinaryLogAndTheXProtocolPort()
    {
        var arguments = LocalServerArguments.ForServer(s_mySql, s_layout, 34567, runAsRoot: true);

        Assert.Contains("--skip-log-bin", arguments);
        Assert.Contains("--mysqlx=OFF", arguments);
        Assert.Equal("--user=root", arguments[^1]);
    }

    [Fact]
    public void ForInitialization_MariaDb_RunsInstallDbWithAPasswordlessRoot()
    {
        var (fileName, arguments) = LocalServerArguments.ForInitialization(s_mariaDb, s_layout, runAsRoot: true);

        Assert.Equal("/usr/bin/mariadb-install-db", fileName);
        Assert.Equal("--no-defaults", arguments[0]);
        Assert.Contains("--auth-root-authentication-method=normal", arguments);
        Assert.Contains("--basedir=/usr", arguments);
        Assert.Contains("--user=root", arguments);
    }

    [Fact]
    public void ForInitialization_MySql_RunsMysqldInitializeInsecure()
    {
        var (fileName, arguments) = LocalServerArguments.ForInitialization(s_mySql, s_layout, runAsRoot: false);

        Assert.Equal("/usr/local/mysql/bin/mysqld", fileName);
        Assert.Equal(["--no-defaults", "--initialize-insecure"], arguments[..2]);
        Assert.DoesNotContain("--user=root", arguments);
    }

    [Theory]
    [InlineData("10.11.19-MariaDB-0+deb12u1", "MariaDB 10.11.19")]
    [InlineData("11.4.2-MariaDB-ubu2404", "MariaDB 11.4.2")]
    [InlineData("8.4.3", "MySQL 8.4.3")]
    [InlineData("8.0.36-28", "MySQL 8.0.36")]
    public void ServerVersion_Parse_GivesProductAndNumber(string version, string expected) =>
        Assert.Equal(expected, ServerVersion.Parse(version).ToString());
}
