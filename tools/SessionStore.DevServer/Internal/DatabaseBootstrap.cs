using MySqlConnector;

namespace SessionStore.DevServer.Internal;

/// <summary>
/// Makes sure the requested database exists and tells which server answered.
/// </summary>
internal static class DatabaseBootstrap
{
    // information_schema compares names case-insensitively; the exact match is checked in code because database
    // names are case-sensitive on Linux (lower_case_table_names=0).
    private const string SelectVersionAndSchemas = """
        SELECT VERSION();
        SELECT SCHEMA_NAME FROM information_schema.SCHEMATA WHERE SCHEMA_NAME = @database;
        """;

    /// <summary>
    /// Creates <paramref name="database"/> when it is missing and returns which server answered. An existing database is never touched, so a user without the CREATE privilege
    /// can still use one a DBA made; a missing one that the user may not create fails with the server's error.
    /// </summary>
    public static async Task<ServerVersion> EnsureDatabaseAsync(string serverConnectionString, string database, CancellationToken cancellationToken)
    {
        // Our own short-lived connection stays out of the caller's pool.
        var builder = new MySqlConnectionStringBuilder(serverConnectionString) { Database = string.Empty, Pooling = false };
        var connection = new MySqlConnection(builder.ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);

            string version;
            var exists = false;
            var query = new MySqlCommand(SelectVersionAndSchemas, connection);
            await using (query.ConfigureAwait(false))
            {
                query.Parameters.AddWithValue("@database", database);
                var reader = await query.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                    version = reader.GetString(0);
                    await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        exists |= string.Equals(reader.GetString(0), database, StringComparison.Ordinal);
                    }
                }
            }

            if (!exists)
            {
                var create = new MySqlCommand(CreateDatabase(database), connection);
                await using (create.ConfigureAwait(false))
                {
                    await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            return ServerVersion.Parse(version);
        }
    }

    // utf8mb4_unicode_ci exists on both MySQL and MariaDB, so every source gives the same collation.
    private static string CreateDatabase(string database) =>
        $"CREATE DATABASE IF NOT EXISTS {QuoteIdentifier(database)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci";

    internal static string QuoteIdentifier(string identifier) =>
        "`" + identifier.Replace("`", "``", StringComparison.Ordinal) + "`";
}
