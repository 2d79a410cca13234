using System.Runtime.InteropServices;
using MySqlConnector;

namespace SessionStore.Benchmarks;

/// <summary>
/// Plain MySqlConnector through a <see cref="MySqlDataSource"/>, one statement per operation (a PK SELECT for a read, an
/// upsert for a write), on the same table as the cache. It takes the id precomputed and ignores expiry, so it does
/// strictly less than any cache can: with a pool that skips the reset on checkout, it is the physical limit.
/// </summary>
internal sealed class PlainDriverContestant : Contestant
{
    private static readonly long s_slidingWindowMicroseconds = (long)BenchmarkSettings.SlidingWindow.TotalMicroseconds;

    private readonly MySqlDataSource _dataSource;
    private readonly string _select;
    private readonly string _upsert;

    private readonly Func<Workload, bool> _scope;

    public PlainDriverContestant(
        ContestantKind kind, string name, MySqlDataSource dataSource, string table, bool useRowAlias, Func<Workload, bool>? scope = null)
        : base(kind, name)
    {
        _dataSource = dataSource;
        _scope = scope ?? (static _ => true);
        var t = SqlText.QuoteIdentifier(table);
        _select = $"SELECT session_data FROM {t} WHERE id = @id";
        var insert = $"""
            INSERT INTO {t} (id, session_data, last_active, expires_at, sliding_window_us, absolute_expires_at)
              VALUES (@id, @data, @now, @expires_at, @sliding_window_us, NULL)
            """;
        _upsert = useRowAlias
            ? $"""
                {insert} AS new ON DUPLICATE KEY UPDATE session_data = new.session_data, last_active = new.last_active,
                  expires_at = new.expires_at, sliding_window_us = new.sliding_window_us, absolute_expires_at = NULL
                """
            : $"""
                {insert} ON DUPLICATE KEY UPDATE session_data = VALUES(session_data), last_active = VALUES(last_active),
                  expires_at = VALUES(expires_at), sliding_window_us = VALUES(sliding_window_us), absolute_expires_at = NULL
                """;
    }

    public override bool UsesMySql => true;

    public override bool Supports(Workload workload) => _scope(workload);

    public override async ValueTask<bool> ExecuteAsync(Operation operation, WorkerContext worker)
    {
        switch (operation)
        {
            case Operation.Get:
            case Operation.SessionRead:
                return await SelectAsync(worker.Id, destination: null);

            case Operation.TryGet:
                worker.Writer.ResetWrittenCount();
                return await SelectAsync(worker.Id, worker);

            case Operation.Set:
                await UpsertAsync(worker.Id, worker.WriteValue);
                return true;

            case Operation.SessionWrite:
                var found = await SelectAsync(worker.Id, destination: null);
                await UpsertAsync(worker.Id, worker.WriteValue);
                return found;

            default:
                throw new ArgumentOutOfRangeException(nameof(operation), operation, "Unknown operation.");
        }
    }

    private async ValueTask<bool> SelectAsync(string id, WorkerContext? destination)
    {
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var command = new MySqlCommand(_select, connection);
        command.Parameters.AddWithValue("@id", id);
        await using var reader = await command.ExecuteReaderAsync();
        if (!await reader.ReadAsync())
        {
            return false;
        }

        if (destination is null)
        {
            // Get returns a new array, as IDistributedCache.Get must.
            _ = reader.GetFieldValue<byte[]>(0);
            return true;
        }

        // The least the driver allows: the column's bytes copied straight from its packet buffer into the writer.
        var length = checked((int)reader.GetBytes(0, 0, null, 0, 0));
        var memory = destination.Writer.GetMemory(length);
        if (!MemoryMarshal.TryGetArray<byte>(memory, out var segment))
        {
            throw new InvalidOperationException("ArrayBufferWriter did not hand out an array.");
        }

        _ = reader.GetBytes(0, 0, segment.Array, segment.Offset, length);
        destination.Writer.Advance(length);
        return true;
    }

    private async ValueTask UpsertAsync(string id, byte[] value)
    {
        var now = SqlText.UtcNowMicroseconds();
        await using var connection = await _dataSource.OpenConnectionAsync();
        await using var command = new MySqlCommand(_upsert, connection);
        command.Parameters.AddWithValue("@id", id);
        command.Parameters.AddWithValue("@data", value);
        command.Parameters.AddWithValue("@now", now);
        command.Parameters.AddWithValue("@expires_at", now + BenchmarkSettings.SlidingWindow);
        command.Parameters.AddWithValue("@sliding_window_us", s_slidingWindowMicroseconds);
        _ = await command.ExecuteNonQueryAsync();
    }
}
