using System.Text;
using MySqlConnector;

namespace SessionStore.Benchmarks;

/// <summary>
/// Creates a benchmark table from the schema file and fills it fast: multi-row INSERTs in id order (so InnoDB appends
/// to the clustered index instead of splitting pages), many per transaction.
/// </summary>
internal static class TableSeeder
{
    private const string SchemaTableClause = "CREATE TABLE IF NOT EXISTS `sessions`";
    private const int StatementsPerTransaction = 20;
    private const int CommandTimeoutSeconds = 600;

    private static readonly long s_slidingWindowMicroseconds = (long)BenchmarkSettings.SlidingWindow.TotalMicroseconds;

    /// <summary>Reads <c>schema/mysql/001_create_sessions.sql</c>, copied next to the program at build time.</summary>
    public static string LoadSchema()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "schema", "001_create_sessions.sql");
        var ddl = File.ReadAllText(path);
        if (!ddl.Contains(SchemaTableClause, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{path} no longer contains \"{SchemaTableClause}\"; update the benchmark's table creation.");
        }

        return ddl;
    }

    public static async Task CreateTableAsync(MySqlConnection connection, string schema, string table, CancellationToken cancellationToken)
    {
        var quoted = SqlText.QuoteIdentifier(table);
        await ExecuteAsync(connection, $"DROP TABLE IF EXISTS {quoted}", cancellationToken);
        await ExecuteAsync(connection, schema.Replace(SchemaTableClause, $"CREATE TABLE IF NOT EXISTS {quoted}", StringComparison.Ordinal), cancellationToken);
    }

    public static Task DropTableAsync(MySqlConnection connection, string table, CancellationToken cancellationToken) =>
        ExecuteAsync(connection, $"DROP TABLE IF EXISTS {SqlText.QuoteIdentifier(table)}", cancellationToken);

    /// <summary>Inserts one row per id, all with <paramref name="value"/>, live for a full sliding window from now.</summary>
    public static async Task InsertAsync(
        MySqlConnection connection, string table, string[] ids, byte[] value, int rowsPerStatement, CancellationToken cancellationToken)
    {
        // Ids in the collation's order (utf8mb4_bin compares bytes; hex digits are ASCII, so ordinal order is the same).
        var sorted = (string[])ids.Clone();
        Array.Sort(sorted, StringComparer.Ordinal);
        var now = SqlText.UtcNowMicroseconds();
        MySqlCommand? fullBatch = null;
        MySqlTransaction? transaction = null;
        try
        {
            var statementsInTransaction = 0;
            for (var offset = 0; offset < sorted.Length; offset += rowsPerStatement)
            {
                var count = Math.Min(rowsPerStatement, sorted.Length - offset);
                transaction ??= await connection.BeginTransactionAsync(cancellationToken);
                MySqlCommand command;
                if (count == rowsPerStatement)
                {
                    fullBatch ??= CreateInsert(connection, table, count, value, now);
                    command = fullBatch;
                }
                else
                {
                    command = CreateInsert(connection, table, count, value, now);
                }

                command.Transaction = transaction;
                for (var i = 0; i < count; i++)
                {
                    command.Parameters[i].Value = sorted[offset + i];
                }

                _ = await command.ExecuteNonQueryAsync(cancellationToken);
                if (command != fullBatch)
                {
                    await command.DisposeAsync();
                }

                if (++statementsInTransaction == StatementsPerTransaction)
                {
                    await transaction.CommitAsync(cancellationToken);
                    await transaction.DisposeAsync();
                    transaction = null;
                    statementsInTransaction = 0;
                }
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            if (transaction is not null)
            {
                await transaction.DisposeAsync();
            }

            if (fullBatch is not null)
            {
                await fullBatch.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Marks every entry as used just now with a full sliding window ahead, as a population of sessions in active use
    /// looks; run before each workload, so that no workload inherits entries that earlier ones left due for extension.
    /// </summary>
    public static async Task RestampAsync(MySqlConnection connection, string table, CancellationToken cancellationToken)
    {
        var now = SqlText.UtcNowMicroseconds();
        await using var command = new MySqlCommand(
            $"UPDATE {SqlText.QuoteIdentifier(table)} SET last_active = @now, expires_at = @expires_at, sliding_window_us = @sliding_window_us, absolute_expires_at = NULL",
            connection);
        command.CommandTimeout = CommandTimeoutSeconds;
        command.Parameters.AddWithValue("@now", now);
        command.Parameters.AddWithValue("@expires_at", now + BenchmarkSettings.SlidingWindow);
        command.Parameters.AddWithValue("@sliding_window_us", s_slidingWindowMicroseconds);
        _ = await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static MySqlCommand CreateInsert(MySqlConnection connection, string table, int rows, byte[] value, DateTime now)
    {
        var sql = new StringBuilder()
            .Append("INSERT INTO ").Append(SqlText.QuoteIdentifier(table))
            .Append(" (id, session_data, last_active, expires_at, sliding_window_us, absolute_expires_at) VALUES ");
        var command = new MySqlCommand { Connection = connection, CommandTimeout = CommandTimeoutSeconds };
        for (var i = 0; i < rows; i++)
        {
            var name = "@i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            sql.Append(i == 0 ? "(" : ", (").Append(name).Append(", @data, @now, @expires_at, @sliding_window_us, NULL)");
            command.Parameters.Add(new MySqlParameter(name, MySqlDbType.String));
        }

        command.Parameters.AddWithValue("@data", value);
        command.Parameters.AddWithValue("@now", now);
        command.Parameters.AddWithValue("@expires_at", now + BenchmarkSettings.SlidingWindow);
        command.Parameters.AddWithValue("@sliding_window_us", s_slidingWindowMicroseconds);
        command.CommandText = sql.ToString();
        return command;
    }

    private static async Task ExecuteAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = CommandTimeoutSeconds };
        _ = await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
