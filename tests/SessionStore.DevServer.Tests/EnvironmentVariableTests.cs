using MySqlConnector;

namespace SessionStore.DevServer.Tests;

public sealed class EnvironmentVariableTests(LocalServerFixture fixture) : IClassFixture<LocalServerFixture>
{
    [Fact]
    public async Task StartAsync_WithAConnectionStringWithoutDatabase_UsesThatServerAndCreatesTheOptionsDatabase()
    {
        var target = new MySqlConnectionStringBuilder(fixture.Server.ConnectionString) { Database = string.Empty };
        var options = TestOptions.LocalProcessOnly();
        Environment.SetEnvironmentVariable(options.EnvironmentVariable, target.ConnectionString);
        try
        {
            await using var server = await MySqlDevServer.StartAsync(options);

            Assert.Equal(MySqlDevServerSource.EnvironmentVariable, server.Source);
            var builder = new MySqlConnectionStringBuilder(server.ConnectionString);
            Assert.Equal(target.Port, builder.Port);
            Assert.Equal(options.Database, builder.Database);
            Assert.Contains(options.EnvironmentVariable, server.Description, StringComparison.Ordinal);
            Assert.Equal(options.Database, await QueryDatabaseAsync(server.ConnectionString));
        }
        finally
        {
            Environment.SetEnvironmentVariable(options.EnvironmentVariable, null);
        }

        // Disposing a server we did not start leaves it running.
        Assert.Equal(options.Database, await QueryDatabaseAsync(fixture.Server.ConnectionString + $";Database={options.Database}"));
    }

    [Fact]
    public async Task StartAsync_WithAServerOfTheOtherFamily_RefusesItNamingBoth()
    {
        var options = TestOptions.LocalProcessOnly();
        var other = fixture.Server.Family == MySqlServerFamily.MariaDb ? MySqlServerFamily.MySql : MySqlServerFamily.MariaDb;
        options.Family = other;
        Environment.SetEnvironmentVariable(options.EnvironmentVariable, fixture.Server.ConnectionString);
        try
        {
            var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => MySqlDevServer.StartAsync(options));

            Assert.Contains($"The {other} family was asked for, but the server in {options.EnvironmentVariable} is", exception.Message, StringComparison.Ordinal);
            Assert.Contains(fixture.Server.Family == MySqlServerFamily.MariaDb ? "MariaDB" : "MySQL", exception.Message, StringComparison.Ordinal);
        }
        finally
        {
            Environment.SetEnvironmentVariable(options.EnvironmentVariable, null);
        }
    }

    [Fact]
    public async Task StartAsync_WithAConnectionStringNamingADatabase_CreatesAndUsesThatDatabase()
    {
        var named = TestOptions.UniqueName("named");
        var target = new MySqlConnectionStringBuilder(fixture.Server.ConnectionString) { Database = named };
        var options = TestOptions.LocalProcessOnly();
        Environment.SetEnvironmentVariable(options.EnvironmentVariable, target.ConnectionString);
        try
        {
            await using var server = await MySqlDevServer.StartAsync(options);

            Assert.Equal(named, new MySqlConnectionStringBuilder(server.ConnectionString).Database);
            Assert.Equal(named, await QueryDatabaseAsync(server.ConnectionString));
        }
        finally
        {
            Environment.SetEnvironmentVariable(options.EnvironmentVariable, null);
        }
    }

    [Fact]
    public async Task Description_WithAPasswordInTheConnectionString_DoesNotContainIt()
    {
        var user = TestOptions.UniqueName("u")[..20];
        var password = "pw-" + Guid.NewGuid().ToString("N");
        await using (var admin = new MySqlConnection(fixture.Server.ConnectionString))
        {
            await admin.OpenAsync();
            await using var command = new MySqlCommand(
                $"CREATE USER '{user}'@'127.0.0.1' IDENTIFIED BY '{password}'; GRANT ALL PRIVILEGES ON *.* TO '{user}'@'127.0.0.1'",
                admin);
            await command.ExecuteNonQueryAsync();
        }

        var target = new MySqlConnectionStringBuilder(fixture.Server.ConnectionString) { UserID = user, Password = password, Database = string.Empty };
        var options = TestOptions.LocalProcessOnly();
        Environment.SetEnvironmentVariable(options.EnvironmentVariable, target.ConnectionString);
        try
        {
            await using var server = await MySqlDevServer.StartAsync(options);

            Assert.DoesNotContain(password, server.Description, StringComparison.Ordinal);
            Assert.Contains(user, server.Description, StringComparison.Ordinal);
            Assert.Equal(options.Database, await QueryDatabaseAsync(server.ConnectionString));
        }
        finally
        {
            Environment.SetEnvironmentVariable(options.EnvironmentVariable, null);
        }
    }

    private static async Task<string?> QueryDatabaseAsync(string connectionString)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT DATABASE()", connection);
        return (string?)await command.ExecuteScalarAsync();
    }
}
