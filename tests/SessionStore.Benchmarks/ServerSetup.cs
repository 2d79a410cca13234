using System.Diagnostics;
using System.Globalization;
using MySqlConnector;

namespace SessionStore.Benchmarks;

/// <summary>Adjusts a server the benchmark started itself, so that it is measured the way a production server runs.</summary>
internal static class ServerSetup
{
    /// <summary>
    /// The throwaway server starts with a 64 MiB buffer pool, sized for test schemas. The 1M-row table is about 1.3 GB;
    /// in a pool that small every Get would measure the disk, not the store. A production server holds its working set
    /// in memory, so the pool is raised to hold the whole table. Returns a line for the report.
    /// </summary>
    public static async Task<string> EnsureBufferPoolAsync(MySqlConnection connection, long bytes, CancellationToken cancellationToken)
    {
        var before = await ScalarInt64Async(connection, "SELECT @@innodb_buffer_pool_size", cancellationToken);
        if (before >= bytes)
        {
            return $"innodb_buffer_pool_size {Mib(before)}";
        }

        await using (var set = new MySqlCommand($"SET GLOBAL innodb_buffer_pool_size = {bytes.ToString(CultureInfo.InvariantCulture)}", connection))
        {
            _ = await set.ExecuteNonQueryAsync(cancellationToken);
        }

        // The resize runs in the background (MariaDB and MySQL alike); wait for it to finish.
        var deadline = Stopwatch.GetTimestamp() + (120 * Stopwatch.Frequency);
        while (true)
        {
            var size = await ScalarInt64Async(connection, "SELECT @@innodb_buffer_pool_size", cancellationToken);
            var status = await ResizeStatusAsync(connection, cancellationToken);
            var resizing = status.Contains("resiz", StringComparison.OrdinalIgnoreCase)
                && !status.Contains("complet", StringComparison.OrdinalIgnoreCase);
            if (size >= bytes && !resizing)
            {
                return $"innodb_buffer_pool_size raised from {Mib(before)} to {Mib(size)} for this run (the 1M-row table must fit in memory, as a production working set does)";
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                return $"innodb_buffer_pool_size {Mib(size)} (asked for {Mib(bytes)}; resize status: {status})";
            }

            await Task.Delay(200, cancellationToken);
        }
    }

    public static async Task<long> ScalarInt64Async(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
    }

    public static async Task<string> ScalarStringAsync(MySqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand(sql, connection);
        return Convert.ToString(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture) ?? string.Empty;
    }

    private static async Task<string> ResizeStatusAsync(MySqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new MySqlCommand("SHOW GLOBAL STATUS LIKE 'Innodb_buffer_pool_resize_status'", connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken) ? reader.GetString(1) : string.Empty;
    }

    private static string Mib(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024 * 1024)} MiB");
}
