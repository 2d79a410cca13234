using MySqlConnector;
using SessionStore.Connections;
using SessionStore.Operations;
using SessionStore.Schema;
using SessionStore.Sql;

namespace SessionStore.Dispatch;

/// <summary>
/// Sends two or more operations of one kind as one statement (the coalesced forms in <see cref="SqlStatements"/>) and
/// gives each operation its own result. A batch runs with no caller's cancellation token: it is many callers' work.
/// </summary>
internal sealed class BatchStatements(TableBinding binding, RetryingExecutor executor, long defaultWindowMicroseconds)
{
    private readonly SqlStatements _statements = binding.Statements;
    private readonly TableLayout _layout = binding.Shape.Layout;
    private readonly long? _window = binding.Shape.Layout.Expiry == ExpiryMode.LastActive ? defaultWindowMicroseconds : null;

    /// <summary>
    /// Reads the entries of many ids; an id without a live row gets "not found". Duplicate ids share their row. A Refresh's
    /// check (<see cref="ReadRequest.ExpiryOnly"/>) gets the row's expiry facts, whatever its data.
    /// </summary>
    public Task ReadAsync(IReadOnlyList<PendingOperation<ReadRequest, StoredEntry>> batch) =>
        ReadRowsAsync(batch, _statements.SelectMany, static (reader, encoding) => EntryReader.ReadRow(reader, 1, encoding, null));

    /// <summary>
    /// Extends the due entries among many ids, by the rule of the single form. The server reports one count for the
    /// statement, so each operation learns 1 when every id was extended, 0 when none was, and −1 (some were) otherwise.
    /// </summary>
    public async Task ExtendAsync(IReadOnlyList<PendingOperation<ExtendRequest, int>> batch)
    {
        var ids = batch.Select(p => p.Request.Id).Distinct(StringComparer.Ordinal).ToList();
        var extended = await executor.RunAsync(
            (Sql: _statements.RefreshMany(ids.Count)!, Ids: ids, Now: batch.Max(p => p.Request.Now), batch[0].Request.Threshold, Window: _window),
            static async (connection, state, _, _) =>
            {
                using var command = new MySqlCommand(state.Sql, connection);
                AddIds(command, state.Ids);
                command.Parameters.AddWithValue(SqlStatements.NowParameter, state.Now);
                command.Parameters.AddWithValue(SqlStatements.ThresholdParameter, state.Threshold);
                if (state.Window is { } window)
                {
                    command.Parameters.AddWithValue(SqlStatements.SlidingWindowParameter, window);
                }

                return await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            },
            isAsync: true,
            CancellationToken.None).ConfigureAwait(false);
        var outcome = PerOperation(extended, ids.Count);
        foreach (var pending in batch)
        {
            pending.TrySetResult(outcome);
        }
    }

    /// <summary>Removes many ids in one statement; each operation learns 1 or 0 when all or none had a row, −1 otherwise.</summary>
    public async Task RemoveAsync(IReadOnlyList<PendingOperation<RemoveRequest, int>> batch)
    {
        var ids = batch.Select(p => p.Request.Id).Distinct(StringComparer.Ordinal).ToList();
        var removed = await executor.RunAsync(
            (Sql: _statements.RemoveMany(ids.Count), Ids: ids),
            static async (connection, state, _, _) =>
            {
                using var command = new MySqlCommand(state.Sql, connection);
                AddIds(command, state.Ids);
                return await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            },
            isAsync: true,
            CancellationToken.None).ConfigureAwait(false);
        var outcome = PerOperation(removed, ids.Count);
        foreach (var pending in batch)
        {
            pending.TrySetResult(outcome);
        }
    }

    /// <summary>
    /// Writes many entries as one multi-row upsert, rows in id order so that two batches in flight lock their rows in the
    /// same order and cannot deadlock each other. The queue never puts two writes of one id in a batch.
    /// </summary>
    public async Task WriteAsync(IReadOnlyList<PendingOperation<WriteRequest, int>> batch)
    {
        var rows = batch.Select(p => p.Request).OrderBy(r => r.Id, StringComparer.Ordinal).ToList();
        await executor.RunAsync(
            (Sql: _statements.SetMany(rows.Count), Rows: rows, Expiry: _layout.Expiry),
            static async (connection, state, _, _) =>
            {
                using var command = new MySqlCommand(state.Sql, connection);
                for (var i = 0; i < state.Rows.Count; i++)
                {
                    var (id, data, now, expiration, _) = state.Rows[i];
                    command.Parameters.AddWithValue(SqlStatements.Indexed(SqlStatements.IdParameter, i), id);
                    command.Parameters.AddWithValue(SqlStatements.Indexed(SqlStatements.DataParameter, i), data);
                    if (state.Expiry != ExpiryMode.None)
                    {
                        command.Parameters.AddWithValue(SqlStatements.Indexed(SqlStatements.NowParameter, i), now);
                    }

                    if (state.Expiry == ExpiryMode.ExpiryColumns)
                    {
                        command.Parameters.AddWithValue(SqlStatements.Indexed(SqlStatements.ExpiresAtParameter, i), expiration.ExpiresAt);
                        command.Parameters.AddWithValue(SqlStatements.Indexed(SqlStatements.SlidingWindowParameter, i), expiration.SlidingWindowMicroseconds);
                        command.Parameters.AddWithValue(SqlStatements.Indexed(SqlStatements.AbsoluteDeadlineParameter, i), expiration.AbsoluteDeadline);
                    }
                }

                return await command.ExecuteNonQueryAsync(CancellationToken.None).ConfigureAwait(false);
            },
            isAsync: true,
            CancellationToken.None).ConfigureAwait(false);
        foreach (var pending in batch)
        {
            pending.TrySetResult(1);
        }
    }

    private async Task ReadRowsAsync(
        IReadOnlyList<PendingOperation<ReadRequest, StoredEntry>> batch, Func<int, string> statement, Func<MySqlDataReader, DataEncoding, StoredEntry> readRow)
    {
        // Every read is judged at the latest of the callers' instants: each of them could have been sent that late alone.
        var ids = batch.Select(p => p.Request.Id).Distinct(StringComparer.Ordinal).ToList();
        var rows = await executor.RunAsync(
            (Sql: statement(ids.Count), Ids: ids, Now: batch.Max(p => p.Request.Now), Window: _window, Encoding: _layout.Encoding, ReadRow: readRow),
            static async (connection, state, _, _) =>
            {
                using var command = new MySqlCommand(state.Sql, connection);
                AddIds(command, state.Ids);
                command.Parameters.AddWithValue(SqlStatements.NowParameter, state.Now);
                if (state.Window is { } window)
                {
                    command.Parameters.AddWithValue(SqlStatements.SlidingWindowParameter, window);
                }

                var found = new Dictionary<string, StoredEntry>(state.Ids.Count, StringComparer.Ordinal);
                var reader = await command.ExecuteReaderAsync(CancellationToken.None).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    if (await EntryReader.SkipToRowsAsync(reader, isAsync: true, CancellationToken.None).ConfigureAwait(false))
                    {
                        while (await reader.ReadAsync(CancellationToken.None).ConfigureAwait(false))
                        {
                            // A PAD SPACE collation finds "id " for "id"; ids never end with a space, so the trimmed text is the one asked for.
                            found[reader.GetString(0).TrimEnd(' ')] = state.ReadRow(reader, state.Encoding);
                        }
                    }
                }

                return found;
            },
            isAsync: true,
            CancellationToken.None).ConfigureAwait(false);
        foreach (var pending in batch)
        {
            var found = rows.TryGetValue(pending.Request.Id, out var entry);
            pending.TrySetResult(!found ? default : pending.Request.ExpiryOnly ? entry with { Found = true, Value = null, Unreadable = false } : entry);
        }
    }

    /// <summary>
    /// What each operation of a statement over <paramref name="ids"/> ids learns from its one row count: 1 when every id
    /// had a row changed, 0 when none did, −1 when some did.
    /// </summary>
    private static int PerOperation(int affected, int ids) => affected == 0 ? 0 : affected >= ids ? 1 : -1;

    private static void AddIds(MySqlCommand command, List<string> ids)
    {
        for (var i = 0; i < ids.Count; i++)
        {
            command.Parameters.AddWithValue(SqlStatements.Indexed(SqlStatements.IdParameter, i), ids[i]);
        }
    }
}
