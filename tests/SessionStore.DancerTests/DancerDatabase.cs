using System.Globalization;
using MySqlConnector;
using SessionStore.Testing;

namespace SessionStore.DancerTests;

/// <summary>
/// The run's MySQL-compatible server (see <see cref="TestServer"/>), a Dancer sessions table per caller, and what the tests
/// read from the table directly.
/// </summary>
internal static class DancerDatabase
{
    /// <summary>The table Dancer::Session::DBI's README creates, which the seed calls the minimal shape.</summary>
    public const string MinimalShape = "id CHAR(40) PRIMARY KEY, session_data TEXT";

    /// <summary>The minimal shape with a time column the server keeps, as many Dancer apps added.</summary>
    public const string LastActiveShape =
        "id CHAR(40) PRIMARY KEY, session_data TEXT, last_active TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP";

    public static async Task<string> ConnectionStringAsync() => (await TestServer.GetAsync("sessionstore_dancer_tests")).ConnectionString;

    /// <summary>Creates a table of <paramref name="columns"/> with a unique name and returns the name.</summary>
    public static async Task<string> CreateTableAsync(string columns)
    {
        var table = "dancer_" + Guid.NewGuid().ToString("N")[..12];
        await ExecuteAsync($"CREATE TABLE `{table}` ({columns}) ENGINE=InnoDB");
        return table;
    }

    public static Task DropTableAsync(string table) => ExecuteAsync($"DROP TABLE IF EXISTS `{table}`");

    /// <summary>The row's session_data as stored, or <see langword="null"/> when there is no row.</summary>
    public static async Task<string?> ReadDocumentAsync(string table, string id)
    {
        await using var connection = new MySqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"SELECT session_data FROM `{table}` WHERE id = @id", connection);
        command.Parameters.AddWithValue("@id", id);
        return await command.ExecuteScalarAsync() as string;
    }

    public static async Task<long> CountAsync(string table)
    {
        await using var connection = new MySqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"SELECT COUNT(*) FROM `{table}`", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    public static async Task ExecuteAsync(string sql)
    {
        await using var connection = new MySqlConnection(await ConnectionStringAsync());
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}
