using SessionStore.Testing;
using System.Globalization;
using MySqlConnector;
using SessionStore.Sql;

namespace SessionStore.Cli.Tests;

/// <summary>Statements against the test server's database, for setting tables up and checking what the tool did.</summary>
internal static class TestDatabase
{
    public static async Task<string> ConnectionStringAsync() => (await TestServer.GetAsync("sessionstore_cli_tests")).ConnectionString;

    public static async Task ExecuteAsync(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<T> ScalarAsync<T>(string sql, params (string Name, object? Value)[] parameters)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, sql, parameters);
        var result = await command.ExecuteScalarAsync();
        return (T)Convert.ChangeType(result!, typeof(T), CultureInfo.InvariantCulture);
    }

    public static async Task<string> ShowCreateTableAsync(string table)
    {
        await using var connection = await OpenAsync();
        await using var command = Command(connection, $"SHOW CREATE TABLE `{table}`", []);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return reader.GetString(1);
    }

    /// <summary>The layout the cache would settle on for the table, read exactly as the cache reads it.</summary>
    public static async Task<TableShape> ShapeAsync(
        string table, ColumnNames? columns = null, DbiSessionKeyStorage keyStorage = DbiSessionKeyStorage.Digest)
    {
        await using var connection = await OpenAsync();
        var name = TableName.Parse(table);
        var (described, limits) = await TableDescription.ReadAsync(connection, name, isAsync: true, CancellationToken.None);
        return TableShape.FromColumns(name, described, limits.MaxAllowedPacket,
            columns ?? ColumnNames.Default, keyStorage);
    }

    private static async Task<MySqlConnection> OpenAsync()
    {
        var connection = new MySqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync();
        return connection;
    }

    private static MySqlCommand Command(MySqlConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var command = new MySqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return command;
    }
}
