using MySqlConnector;
using SessionStore.Testing;
using SessionStore.Sql;

namespace SessionStore.AspNetCore.Tests;

/// <summary>The run's MySQL-compatible server (see MySqlDevServer), and a fresh sessions table per caller.</summary>
internal static class MySqlTestServer
{
    public static async Task<string> ConnectionStringAsync() => (await TestServer.GetAsync("sessionstore_aspnetcore_tests")).ConnectionString;

    /// <summary>Creates a sessions table with a unique name and returns the name.</summary>
    public static async Task<string> CreateTableAsync()
    {
        var table = "s_" + Guid.NewGuid().ToString("N")[..16];
        await ExecuteAsync(SqlStatements.CreateTableDdl(TableName.Parse(table)));
        return table;
    }

    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> CountAsync(string table, string storedId)
    {
        await using var connection = new MySqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"SELECT COUNT(*) FROM `{table}` WHERE id = @id", connection);
        command.Parameters.AddWithValue("@id", storedId);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
