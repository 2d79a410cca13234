using MySqlConnector;

namespace SessionStore.FaultTests;

/// <summary>Statements a test sends around the cache, each on a short-lived connection of its own.</summary>
internal static class Sql
{
    public static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<long> CountAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A one-line description of a failure for the test output: type, MySQL error code and message.</summary>
    public static string Describe(Exception exception) => exception switch
    {
        MySqlException mySql => $"MySqlException {mySql.ErrorCode} ({mySql.Number}): {mySql.Message}",
        _ => $"{exception.GetType().Name}: {exception.Message}",
    };

    /// <summary>The kind of a failure, for tallies: <c>MySqlException UnableToConnectToHost</c>, <c>TaskCanceledException</c>.</summary>
    public static string Kind(Exception exception) => exception switch
    {
        MySqlException mySql => $"MySqlException {mySql.ErrorCode} ({mySql.Number}) \"{mySql.Message}\"",
        _ => exception.GetType().Name,
    };
}
