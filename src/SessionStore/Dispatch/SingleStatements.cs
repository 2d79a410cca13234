using System.Runtime.CompilerServices;
using MySqlConnector;
using SessionStore.Connections;
using SessionStore.Operations;
using SessionStore.Schema;
using SessionStore.Sql;

namespace SessionStore.Dispatch;

/// <summary>
/// Sends one operation by itself: the statement from <see cref="SqlStatements"/>, its parameters, and the reading of its
/// result, through the <see cref="RetryingExecutor"/>. Only the parameters a statement uses are added: each costs the
/// driver a little on every call.
/// </summary>
internal sealed class SingleStatements(TableBinding binding, RetryingExecutor executor, long defaultWindowMicroseconds)
{
    private readonly SqlStatements _statements = binding.Statements;
    private readonly DataEncoding _encoding = binding.Shape.Layout.Encoding;
    private readonly long? _window = binding.Shape.Layout.Expiry == ExpiryMode.LastActive ? defaultWindowMicroseconds : null;

    /// <summary>
    /// Reads an entry; with <paramref name="extendThreshold"/>, extends it first in the same round trip (for a read this process
    /// knows is due).
    /// </summary>
    public ValueTask<StoredEntry> ReadAsync(ReadRequest request, double? extendThreshold, bool isAsync, CancellationToken cancellationToken) =>
        executor.RunAsync(
            (Sql: extendThreshold is null ? _statements.Select : _statements.ExtendAndSelect, Request: request, Threshold: extendThreshold,
                Window: _window, Encoding: _encoding),
            [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
            static async ValueTask<StoredEntry> (connection, state, isAsync, cancellationToken) =>
            {
                using var command = ReadCommand(state.Sql, connection, state.Request, state.Threshold, state.Window);
                var reader = isAsync ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteReader();
                try
                {
                    return await EntryReader.ReadAsync(reader, state.Encoding, state.Request.Destination, isAsync, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    await DisposeAsync(reader, isAsync).ConfigureAwait(false);
                }
            },
            isAsync,
            cancellationToken);

    /// <summary>Reads a live entry's expiry facts without its data (what a Refresh decides by); not found when there is none.</summary>
    public ValueTask<StoredEntry> ReadExpiryAsync(ReadRequest request, bool isAsync, CancellationToken cancellationToken) =>
        executor.RunAsync(
            (Sql: _statements.ReadExpiry!, Request: request, Window: _window),
            [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
            static async ValueTask<StoredEntry> (connection, state, isAsync, cancellationToken) =>
            {
                using var command = ReadCommand(state.Sql, connection, state.Request, null, state.Window);
                var reader = isAsync ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteReader();
                try
                {
                    return await EntryReader.SkipToRowsAsync(reader, isAsync, cancellationToken).ConfigureAwait(false)
                        && (isAsync ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read())
                        ? EntryReader.ReadExpiryRow(reader, 0)
                        : default;
                }
                finally
                {
                    await DisposeAsync(reader, isAsync).ConfigureAwait(false);
                }
            },
            isAsync,
            cancellationToken);

    /// <summary>Extends an entry if it is due; 1 when it was extended, 0 when not.</summary>
    public ValueTask<int> ExtendAsync(ExtendRequest request, bool isAsync, CancellationToken cancellationToken) =>
        ExecuteByIdAsync(_statements.Refresh!, request.Id, request.Now, request.Threshold, isAsync, cancellationToken);

    /// <summary>Removes an entry; 1 when there was one.</summary>
    public ValueTask<int> RemoveAsync(RemoveRequest request, bool isAsync, CancellationToken cancellationToken) =>
        ExecuteByIdAsync(_statements.Remove, request.Id, null, null, isAsync, cancellationToken);

    /// <summary>Inserts or replaces an entry.</summary>
    public ValueTask<int> WriteAsync(WriteRequest request, bool isAsync, CancellationToken cancellationToken) =>
        executor.RunAsync(
            (Sql: _statements.Set, Request: request),
            [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
            static async ValueTask<int> (connection, state, isAsync, cancellationToken) =>
            {
                using var command = new MySqlCommand(state.Sql, connection);
                var (id, data, now, expiration, _) = state.Request;
                command.Parameters.AddWithValue(SqlStatements.IdParameter, id);
                command.Parameters.AddWithValue(SqlStatements.DataParameter, data);
                command.Parameters.AddWithValue(SqlStatements.NowParameter, now);
                command.Parameters.AddWithValue(SqlStatements.ExpiresAtParameter, expiration.ExpiresAt);
                command.Parameters.AddWithValue(SqlStatements.SlidingWindowParameter, expiration.SlidingWindowMicroseconds);
                command.Parameters.AddWithValue(SqlStatements.AbsoluteDeadlineParameter, expiration.AbsoluteDeadline);
                return isAsync ? await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteNonQuery();
            },
            isAsync,
            cancellationToken);

    /// <summary>Moves a live entry to <paramref name="newId"/>; true when it moved.</summary>
    public async ValueTask<bool> ChangeIdAsync(string id, string newId, DateTime now, CancellationToken cancellationToken) =>
        await executor.RunAsync(
            (Sql: _statements.ChangeId, Id: id, NewId: newId, Now: now, Window: defaultWindowMicroseconds),
            static async (connection, state, _, cancellationToken) =>
            {
                using var command = new MySqlCommand(state.Sql, connection);
                command.Parameters.AddWithValue(SqlStatements.SlidingWindowParameter, state.Window);
                command.Parameters.AddWithValue(SqlStatements.IdParameter, state.Id);
                command.Parameters.AddWithValue(SqlStatements.NewIdParameter, state.NewId);
                command.Parameters.AddWithValue(SqlStatements.NowParameter, state.Now);
                return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            },
            isAsync: true,
            cancellationToken).ConfigureAwait(false) == 1;

    private ValueTask<int> ExecuteByIdAsync(string sql, string id, DateTime? now, double? threshold, bool isAsync, CancellationToken cancellationToken) =>
        executor.RunAsync(
            (Sql: sql, Id: id, Now: now, Threshold: threshold, Window: _window),
            [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
            static async ValueTask<int> (connection, state, isAsync, cancellationToken) =>
            {
                using var command = new MySqlCommand(state.Sql, connection);
                command.Parameters.AddWithValue(SqlStatements.IdParameter, state.Id);
                if (state.Now is { } now)
                {
                    command.Parameters.AddWithValue(SqlStatements.NowParameter, now);
                }

                if (state.Threshold is { } threshold)
                {
                    command.Parameters.AddWithValue(SqlStatements.ThresholdParameter, threshold);
                }

                if (state.Window is { } window)
                {
                    command.Parameters.AddWithValue(SqlStatements.SlidingWindowParameter, window);
                }

                return isAsync ? await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteNonQuery();
            },
            isAsync,
            cancellationToken);

    /// <summary>A read's command: id and now, and the threshold and window when the statement uses them.</summary>
    private static MySqlCommand ReadCommand(string sql, MySqlConnection connection, ReadRequest request, double? threshold, long? window)
    {
        var command = new MySqlCommand(sql, connection);
        command.Parameters.AddWithValue(SqlStatements.IdParameter, request.Id);
        command.Parameters.AddWithValue(SqlStatements.NowParameter, request.Now);
        if (threshold is { } t)
        {
            command.Parameters.AddWithValue(SqlStatements.ThresholdParameter, t);
        }

        if (window is { } w)
        {
            command.Parameters.AddWithValue(SqlStatements.SlidingWindowParameter, w);
        }

        return command;
    }

    private static ValueTask DisposeAsync(MySqlDataReader reader, bool isAsync)
    {
        if (isAsync)
        {
            return reader.DisposeAsync();
        }

        reader.Dispose();
        return ValueTask.CompletedTask;
    }
}
