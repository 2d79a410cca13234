using MySqlConnector;
using SessionStore.Sql;

namespace SessionStore.Sweeping;

/// <summary>
/// Deletes expired entries a small batch at a time, each batch its own short statement on its own connection, with a pause
/// between batches, so that a million expired rows never hold a long lock. Used by the background sweeper and the CLI's purge.
/// </summary>
internal static class ExpiredEntryPurge
{
    /// <summary>Runs until a batch deletes fewer rows than the batch size; returns how many rows were deleted.</summary>
    public static async Task<long> RunAsync(
        Func<CancellationToken, ValueTask<MySqlConnection>> openConnection,
        SqlStatements statements,
        DateTime now,
        TimeSpan defaultSlidingWindow,
        int batchSize,
        TimeSpan pauseBetweenBatches,
        IProgress<long>? progress,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(openConnection);
        ArgumentNullException.ThrowIfNull(statements);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        if (statements.PurgeExpired is not { } purge)
        {
            return 0; // The table keeps no expiry.
        }

        long total = 0;
        while (true)
        {
            int deleted;
            var connection = await openConnection(cancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                using var command = new MySqlCommand(purge, connection);
                command.Parameters.AddWithValue(SqlStatements.NowParameter, now);
                command.Parameters.AddWithValue(SqlStatements.BatchSizeParameter, batchSize);
                command.Parameters.AddWithValue(SqlStatements.SlidingWindowParameter, defaultSlidingWindow.Ticks / TimeSpan.TicksPerMicrosecond);
                deleted = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            total += deleted;
            progress?.Report(total);
            if (deleted < batchSize)
            {
                return total;
            }

            if (pauseBetweenBatches > TimeSpan.Zero)
            {
                await Task.Delay(pauseBetweenBatches, cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
