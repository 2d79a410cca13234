namespace SessionStore.DevServer.Tests;

public sealed class NoServerFoundTests : IDisposable
{
    private readonly string _emptyDirectory = Directory.CreateTempSubdirectory("devserver-test-").FullName;

    public void Dispose() => Directory.Delete(_emptyDirectory, recursive: true);

    [Fact]
    public async Task StartAsync_WhenNothingIsAvailable_ThrowsNamingAllThreeWaysAndWhyEachWasSkipped()
    {
        var options = TestOptions.LocalProcessOnly();
        options.Family = null;
        options.ServerSearchDirectories = [_emptyDirectory];

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => MySqlDevServer.StartAsync(options));

        // How to get a server, each way.
        Assert.Contains($"Set the environment variable {options.EnvironmentVariable} to a MySqlConnector connection string", exception.Message, StringComparison.Ordinal);
        Assert.Contains("start a Docker engine", exception.Message, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install mariadb-server", exception.Message, StringComparison.Ordinal);
        Assert.Contains("mysqld is on PATH", exception.Message, StringComparison.Ordinal);

        // Why each way was skipped.
        Assert.Contains($"Environment variable {options.EnvironmentVariable}: not set.", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Testcontainers: disabled (UseTestcontainers is false).", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"Local server process: no mariadbd or mysqld in {_emptyDirectory}.", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_AskedForOracleMySqlWithNoneAvailable_SaysHowToProvisionIt()
    {
        var options = TestOptions.LocalProcessOnly();
        options.Family = MySqlServerFamily.MySql;
        options.ServerSearchDirectories = [_emptyDirectory];

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => MySqlDevServer.StartAsync(options));

        Assert.StartsWith("No Oracle MySQL server is available.", exception.Message, StringComparison.Ordinal);
        Assert.Contains("tools/oracle-mysql/provision.sh", exception.Message, StringComparison.Ordinal);
        Assert.Contains($"Local server process: no Oracle MySQL mysqld in {_emptyDirectory}.", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("apt-get install mariadb-server", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnvironmentVariable_ByFamily_IsTheFamilysOwnUnlessSet()
    {
        Assert.Equal("SESSIONSTORE_MYSQL", new MySqlDevServerOptions().EnvironmentVariable);
        Assert.Equal("SESSIONSTORE_MYSQL", new MySqlDevServerOptions { Family = MySqlServerFamily.MySql }.EnvironmentVariable);
        Assert.Equal("SESSIONSTORE_MARIADB", new MySqlDevServerOptions { Family = MySqlServerFamily.MariaDb }.EnvironmentVariable);
        Assert.Equal("MINE", new MySqlDevServerOptions { Family = MySqlServerFamily.MariaDb, EnvironmentVariable = "MINE" }.EnvironmentVariable);
        Assert.Equal("mariadb:10.11", new MySqlDevServerOptions { Family = MySqlServerFamily.MariaDb }.TestcontainersImage);
        Assert.Equal("mysql:8.4", new MySqlDevServerOptions { Family = MySqlServerFamily.MySql }.TestcontainersImage);
    }

    [Fact]
    public async Task StartAsync_WithABlankVariable_TreatsItAsUnsetAndSaysSo()
    {
        var options = TestOptions.LocalProcessOnly();
        options.ServerSearchDirectories = [_emptyDirectory];
        Environment.SetEnvironmentVariable(options.EnvironmentVariable, "   ");
        try
        {
            var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => MySqlDevServer.StartAsync(options));

            Assert.Contains($"Environment variable {options.EnvironmentVariable}: set but blank.", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(options.EnvironmentVariable, null);
        }
    }

    [Fact]
    public async Task StartAsync_WithInvalidOptions_ReportsEveryProblemByPropertyName()
    {
        var options = new MySqlDevServerOptions
        {
            EnvironmentVariable = " ",
            Database = new string('d', 65),
            TestcontainersImage = "",
            StartTimeout = TimeSpan.Zero,
        };

        var exception = await Assert.ThrowsAsync<ArgumentException>(() => MySqlDevServer.StartAsync(options));

        Assert.Equal("options", exception.ParamName);
        Assert.Contains("EnvironmentVariable", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Database", exception.Message, StringComparison.Ordinal);
        Assert.Contains("TestcontainersImage", exception.Message, StringComparison.Ordinal);
        Assert.Contains("StartTimeout", exception.Message, StringComparison.Ordinal);
    }
}
