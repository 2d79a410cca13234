using SessionStore.Testing;
using MySqlConnector;
using SessionStore.IntegrationTests;
using SessionStore.Sql;

namespace SessionStore.FaultTests;

/// <summary>
/// A database of its own on the test server, with one session table, dropped afterwards. The cache's connections are then
/// the only ones whose default database it is, so a test can find them in <c>information_schema.PROCESSLIST</c> and kill
/// them without touching anyone else's, even on a server that other test runs share.
/// </summary>
public sealed class OwnDatabaseFixture : IAsyncLifetime
{
    private string? _serverConnectionString;

    public string Database { get; } = "fault_" + Guid.NewGuid().ToString("N")[..16];

    public string Table { get; } = "sessions";

    /// <summary>The cache's connection string: the test server's, with <see cref="Database"/> as default database.</summary>
    public string ConnectionString => new MySqlConnectionStringBuilder(ServerConnectionString) { Database = Database }.ConnectionString;

    /// <summary>For the test's own statements: no default database, so they never show up among the cache's connections.</summary>
    public string AdminConnectionString => new MySqlConnectionStringBuilder(ServerConnectionString) { Database = "", Pooling = false }.ConnectionString;

    private string ServerConnectionString => _serverConnectionString ?? throw new InvalidOperationException("The fixture is not initialized.");

    public async Task InitializeAsync()
    {
        _serverConnectionString = (await TestServer.GetAsync("sessionstore_tests")).ConnectionString;
        await Sql.ExecuteAsync(AdminConnectionString, $"CREATE DATABASE `{Database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        await Sql.ExecuteAsync(AdminConnectionString, SqlStatements.CreateTableDdl(TableName.Parse($"{Database}.{Table}")));
    }

    public async Task DisposeAsync() => await Sql.ExecuteAsync(AdminConnectionString, $"DROP DATABASE IF EXISTS `{Database}`");

    /// <summary>The ids of the server threads whose default database is <see cref="Database"/>, except <paramref name="except"/>.</summary>
    public async Task<List<long>> ConnectionIdsAsync(string? command = null, string? statementPrefix = null, params long[] except)
    {
        await using var connection = new MySqlConnection(AdminConnectionString);
        await connection.OpenAsync();
        await using var query = new MySqlCommand(
            """
            SELECT ID FROM information_schema.PROCESSLIST
             WHERE DB = @db AND USER = SUBSTRING_INDEX(CURRENT_USER(), '@', 1) AND ID <> CONNECTION_ID()
               AND (@command IS NULL OR COMMAND = @command)
               AND (@prefix IS NULL OR INFO LIKE CONCAT(@prefix, '%'))
            """,
            connection);
        query.Parameters.AddWithValue("@db", Database);
        query.Parameters.AddWithValue("@command", command);
        query.Parameters.AddWithValue("@prefix", statementPrefix);
        var ids = new List<long>();
        await using var reader = await query.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            var id = Convert.ToInt64(reader.GetValue(0), System.Globalization.CultureInfo.InvariantCulture);
            if (!except.Contains(id))
            {
                ids.Add(id);
            }
        }

        return ids;
    }

    public Task KillConnectionAsync(long id) =>
        Sql.ExecuteAsync(AdminConnectionString, "KILL CONNECTION " + id.ToString(System.Globalization.CultureInfo.InvariantCulture));
}
