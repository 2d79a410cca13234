using MySqlConnector;
using SessionStore.DevServer;

namespace SessionStore.IntegrationTests;

/// <summary>
/// schema/mysql/003_purge_expired_event.sql, run as a DBA would run it after 001: the server's own event deletes expired
/// sessions and leaves live ones.
/// </summary>
public sealed class PurgeEventScriptTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private static readonly TimeSpan s_purgeTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task PurgeEvent_FromTheSchemaScripts_DeletesExpiredSessionsOnly()
    {
        var database = "event_" + Guid.NewGuid().ToString("N")[..12];
        var admin = new MySqlConnectionStringBuilder(table.ConnectionString) { Database = "" }.ConnectionString;
        var own = new MySqlConnectionStringBuilder(table.ConnectionString) { Database = database }.ConnectionString;
        await ExecuteAsync(admin, $"CREATE DATABASE `{database}`");
        try
        {
            await ExecuteAsync(own, await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "schema", "001_create_sessions.sql")));
            await ExecuteAsync(own, await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "schema", "003_purge_expired_event.sql")));
            await ExecuteAsync(own, """
                INSERT INTO sessions (id, session_data, last_active, expires_at) VALUES
                  ('expired-1', x'01', UTC_TIMESTAMP(6) - INTERVAL 2 HOUR, UTC_TIMESTAMP(6) - INTERVAL 1 HOUR),
                  ('expired-2', x'02', UTC_TIMESTAMP(6) - INTERVAL 2 HOUR, UTC_TIMESTAMP(6) - INTERVAL 1 SECOND),
                  ('live', x'03', UTC_TIMESTAMP(6), UTC_TIMESTAMP(6) + INTERVAL 1 HOUR)
                """);

            var scheduler = await ScalarAsync(admin, "SELECT @@GLOBAL.event_scheduler");
            if (table.Family == MySqlServerFamily.MySql)
            {
                // The script's header promises this: MySQL 8+ runs events out of the box.
                Assert.Equal("ON", scheduler);
            }
            else if (scheduler != "ON")
            {
                // MariaDB's default is OFF; the script's header says to turn it on.
                await ExecuteAsync(admin, "SET GLOBAL event_scheduler = ON");
            }

            // The script's five minutes are too long to wait for; the event's body is what is under test.
            await ExecuteAsync(own, "ALTER EVENT `sessionstore_purge_expired` ON SCHEDULE EVERY 1 SECOND");
            var deadline = DateTime.UtcNow + s_purgeTimeout;
            string remaining;
            do
            {
                await Task.Delay(250);
                remaining = await ScalarAsync(own, "SELECT GROUP_CONCAT(id ORDER BY id) FROM sessions") ?? "";
            }
            while (remaining != "live" && DateTime.UtcNow < deadline);

            Assert.Equal("live", remaining);
        }
        finally
        {
            await ExecuteAsync(admin, $"DROP DATABASE IF EXISTS `{database}`");
        }
    }

    private static async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<string?> ScalarAsync(string connectionString, string sql)
    {
        await using var connection = new MySqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
