using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using MySqlConnector;
using SessionStore.Connections;
using SessionStore.Expiry;
using SessionStore.Schema;
using SessionStore.Sql;

namespace SessionStore.AspNetCore.Dancer;

/// <summary>
/// Reads and writes Dancer sessions in the cache's table, on the cache's connections and retry policy. A save locks the row,
/// merges this request's changes into what it finds there and writes the result, in one transaction.
/// </summary>
internal sealed class DancerSessionStore
{
    private readonly DbiSessionCache _cache;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _defaultWindow;
    private DancerStatements? _statements;

    public DancerSessionStore(IDistributedCache cache, TimeProvider timeProvider, DbiSessionCacheOptions options)
    {
        _cache = cache as DbiSessionCache ?? throw new InvalidOperationException(
            $"AddDancerSessions shares the table of DbiSessionCache, but the registered IDistributedCache is {cache.GetType().FullName}. " +
            "Call services.AddDbiSessionCache(...) as well.");
        _timeProvider = timeProvider;
        _defaultWindow = options.DefaultSlidingExpiration;
    }

    private RetryingExecutor Executor => _cache.Executor;

    /// <summary>The table's binding (read once by the cache) and this feature's statements for it.</summary>
    public async Task<(TableBinding Binding, DancerStatements Statements)> BindAsync(CancellationToken cancellationToken)
    {
        var binding = await _cache.Binder.BindAsync(isAsync: true, cancellationToken).ConfigureAwait(false);
        return (binding, _statements ??= new DancerStatements(binding.Statements.Table, binding.Shape.Layout));
    }

    /// <summary>The document of session <paramref name="id"/>, or <see langword="null"/> when there is no such row.</summary>
    public async Task<string?> ReadAsync(string id, CancellationToken cancellationToken)
    {
        var (_, statements) = await BindAsync(cancellationToken).ConfigureAwait(false);
        return await Executor.RunAsync(
            (Sql: statements.Select, Id: id),
            static async (connection, state, _, token) =>
            {
                using var command = new MySqlCommand(state.Sql, connection);
                command.Parameters.AddWithValue(DancerStatements.IdParameter, state.Id);
                return AsText(await command.ExecuteScalarAsync(token).ConfigureAwait(false));
            },
            isAsync: true,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Locks the row of <paramref name="id"/>, writes <paramref name="merge"/> of what it holds (moving it to
    /// <paramref name="newId"/> if given) and returns what was written; <see langword="null"/> when the row is gone.
    /// </summary>
    public async Task<string?> UpdateAsync(string id, string? newId, Func<string, string> merge, CancellationToken cancellationToken)
    {
        var (binding, statements) = await BindAsync(cancellationToken).ConfigureAwait(false);
        return await Executor.RunAsync(
            (Statements: statements, Id: id, NewId: newId, Merge: merge, Text: binding.Shape.Layout.Encoding == DataEncoding.Base64Text, Now: Now()),
            static async (connection, state, _, token) =>
            {
                var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    string? current;
                    using (var read = new MySqlCommand(state.Statements.Lock, connection, transaction))
                    {
                        read.Parameters.AddWithValue(DancerStatements.IdParameter, state.Id);
                        current = AsText(await read.ExecuteScalarAsync(token).ConfigureAwait(false));
                    }

                    if (current is null)
                    {
                        return null; // Destroyed meanwhile, by either app: a save never brings it back.
                    }

                    var merged = state.Merge(current);
                    using (var write = new MySqlCommand(state.NewId is null ? state.Statements.Update : state.Statements.Move, connection, transaction))
                    {
                        write.Parameters.AddWithValue(DancerStatements.IdParameter, state.Id);
                        write.Parameters.AddWithValue(DancerStatements.DataParameter, AsData(merged, state.Text));
                        write.Parameters.AddWithValue(DancerStatements.NowParameter, state.Now);
                        if (state.NewId is not null)
                        {
                            write.Parameters.AddWithValue(DancerStatements.NewIdParameter, state.NewId);
                        }

                        await write.ExecuteNonQueryAsync(token).ConfigureAwait(false);
                    }

                    await transaction.CommitAsync(token).ConfigureAwait(false);
                    return merged;
                }
            },
            isAsync: true,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Creates the row of a session made on this side.</summary>
    public async Task InsertAsync(string id, string document, CancellationToken cancellationToken)
    {
        var (binding, statements) = await BindAsync(cancellationToken).ConfigureAwait(false);
        var now = Now();
        await Executor.RunAsync(
            (Sql: statements.Insert, Id: id, Data: AsData(document, binding.Shape.Layout.Encoding == DataEncoding.Base64Text), Now: now,
                ExpiresAt: now + _defaultWindow, Window: _defaultWindow.Ticks / TimeSpan.TicksPerMicrosecond),
            static async (connection, state, _, token) =>
            {
                using var command = new MySqlCommand(state.Sql, connection);
                command.Parameters.AddWithValue(DancerStatements.IdParameter, state.Id);
                command.Parameters.AddWithValue(DancerStatements.DataParameter, state.Data);
                command.Parameters.AddWithValue(DancerStatements.NowParameter, state.Now);
                command.Parameters.AddWithValue(DancerStatements.ExpiresAtParameter, state.ExpiresAt);
                command.Parameters.AddWithValue(DancerStatements.SlidingWindowParameter, state.Window);
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            isAsync: true,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes the row of <paramref name="id"/>; a missing one is fine.</summary>
    public async Task DeleteAsync(string id, CancellationToken cancellationToken)
    {
        var (_, statements) = await BindAsync(cancellationToken).ConfigureAwait(false);
        await Executor.RunAsync(
            (Sql: statements.Delete, Id: id),
            static async (connection, state, _, token) =>
            {
                using var command = new MySqlCommand(state.Sql, connection);
                command.Parameters.AddWithValue(DancerStatements.IdParameter, state.Id);
                return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            },
            isAsync: true,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Now, UTC, to the microsecond a <c>DATETIME(6)</c> keeps (the cache's own truncation).</summary>
    private DateTime Now() => EntryExpiration.Truncate(_timeProvider.GetUtcNow().UtcDateTime);

    /// <summary>A text column holds the JSON as text; a binary one (after an upgrade) as its UTF-8 bytes.</summary>
    private static object AsData(string document, bool textColumn) => textColumn ? document : Encoding.UTF8.GetBytes(document);

    private static string? AsText(object? value) => value switch
    {
        null or DBNull => null,
        string text => text,
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        _ => throw new InvalidDataException($"A Dancer session row's data column returned {value.GetType().Name}, not text."),
    };
}
