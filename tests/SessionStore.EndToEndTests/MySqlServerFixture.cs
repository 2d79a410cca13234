using MySqlConnector;
using SessionStore.DevServer;
using SessionStore.Testing;

namespace SessionStore.EndToEndTests;

/// <summary>
/// The MySQL-compatible server the sample instances share (found or started by MySqlDevServer, as for every other test
/// project), owned by this test process so that it outlives the app processes the tests stop and start.
/// </summary>
public sealed class MySqlServerFixture : IAsyncLifetime
{
    private MySqlDevServer? _server;

    public string Description => Server.Description;

    private MySqlDevServer Server => _server ?? throw new InvalidOperationException("The server has not started.");

    public async Task InitializeAsync() =>
        _server = await MySqlDevServer.StartAsync(TestServer.Options("sessionstore_e2e"));

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    /// <summary>
    /// Creates a database of its own for one test and returns a connection string to it, so that tests (and runs against a
    /// shared server from SESSIONSTORE_MYSQL) never see each other's sessions or key rings. Drop it with <see cref="DropDatabaseAsync"/>.
    /// </summary>
    public async Task<string> CreateDatabaseAsync()
    {
        var name = "e2e_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync($"CREATE DATABASE `{name}`");
        return new MySqlConnectionStringBuilder(Server.ConnectionString) { Database = name }.ConnectionString;
    }

    public async Task DropDatabaseAsync(string connectionString)
    {
        var name = new MySqlConnectionStringBuilder(connectionString).Database;
        await ExecuteAsync($"DROP DATABASE IF EXISTS `{name}`");
    }

    /// <summary>Runs <paramref name="sql"/> as the server's administrator, in <paramref name="database"/> if given.</summary>
    public async Task ExecuteAsync(string sql, string? database = null)
    {
        var connectionString = database is null
            ? Server.ConnectionString
            : new MySqlConnectionStringBuilder(Server.ConnectionString) { Database = database }.ConnectionString;
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
