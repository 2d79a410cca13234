using System.Buffers;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using SessionStore.Connections;
using SessionStore.Diagnostics;
using SessionStore.Expiry;
using SessionStore.Keys;
using SessionStore.Schema;
using SessionStore.Sql;
using SessionStore.Values;

namespace SessionStore.Operations;

/// <summary>
/// What each cache operation sends, and what it decides around the statement: key to stored id, the expiry rule, the
/// per-process read memo, value encoding. <see cref="DbiSessionCache"/> checks arguments and instruments; this does the work;
/// <see cref="RetryingExecutor"/> runs the statement; <see cref="SqlStatements"/> holds its text.
/// </summary>
internal sealed partial class CacheOperations
{
    private readonly TableBinder _binder;
    private readonly RetryingExecutor _executor;
    private readonly ValueCodec _codec;
    private readonly RecentReads _recentReads;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _defaultSlidingWindow;
    private readonly DbiSessionKeyStorage _keyStorage;
    private readonly bool _throwOnUnreadableEntries;
    private readonly TableName _table;
    private readonly string _tableName;
    private readonly ILogger _logger;
    private int _slidingWindowWarned;

    public CacheOperations(
        DbiSessionCacheOptions options, TableName table, TableBinder binder, RetryingExecutor executor, ValueCodec codec, TimeProvider timeProvider, ILogger logger)
    {
        _binder = binder;
        _executor = executor;
        _codec = codec;
        _recentReads = new RecentReads(options.SlidingExtensionThreshold);
        _timeProvider = timeProvider;
        _defaultSlidingWindow = options.DefaultSlidingExpiration;
        _keyStorage = options.KeyStorage;
        _throwOnUnreadableEntries = options.ThrowOnUnreadableEntries;
        _table = table;
        _tableName = table.ToString();
        _logger = logger;
    }

    private long DefaultWindowMicroseconds => _defaultSlidingWindow.Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>Now, from the app's clock, at the microsecond precision of <c>DATETIME(6)</c>.</summary>
    public DateTime Now() => EntryExpiration.Truncate(_timeProvider.GetUtcNow().UtcDateTime);

    public async ValueTask<StoredEntry> GetAsync(string key, IBufferWriter<byte>? destination, bool isAsync, CancellationToken cancellationToken)
    {
        var binding = await _binder.BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        var id = ToStoredId(key, binding);
        var now = Now();
        var mode = binding.Shape.Layout.Expiry;

        // Most reads are a plain primary-key SELECT: a DML statement in the same batch costs the server a transaction even
        // when it matches nothing (measured here: Get at 2.6x the plain SELECT's p50 with UPDATE+SELECT in every batch).
        // When this process knows the entry is due for an extension, the UPDATE goes in the same round trip.
        var extendFirst = _recentReads.IsExtensionDue(id, now.Ticks);
        var statements = binding.Statements;
        var result = await _executor.RunAsync(
            (Sql: extendFirst ? statements.ExtendAndSelect : statements.Select, Id: id, Now: now,
                Threshold: extendFirst ? _recentReads.GetThreshold : (double?)null,
                Window: mode == ExpiryMode.LastActive ? DefaultWindowMicroseconds : (long?)null,
                Encoding: binding.Shape.Layout.Encoding, Destination: _codec.Protects ? null : destination),
            static async (connection, state, isAsync, cancellationToken) =>
            {
                // Only the parameters the statement uses: each one costs the driver a little on every read.
                using var command = new MySqlCommand(state.Sql, connection);
                command.Parameters.AddWithValue(SqlStatements.IdParameter, state.Id);
                command.Parameters.AddWithValue(SqlStatements.NowParameter, state.Now);
                if (state.Threshold is { } threshold)
                {
                    command.Parameters.AddWithValue(SqlStatements.ThresholdParameter, threshold);
                }

                if (state.Window is { } window)
                {
                    command.Parameters.AddWithValue(SqlStatements.SlidingWindowParameter, window);
                }

                var reader = isAsync ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteReader();
                try
                {
                    return await EntryReader.ReadAsync(reader, state.Encoding, state.Destination, isAsync, cancellationToken).ConfigureAwait(false);
                }
                finally
                {
                    if (isAsync)
                    {
                        await reader.DisposeAsync().ConfigureAwait(false);
                    }
                    else
                    {
                        reader.Dispose();
                    }
                }
            },
            isAsync,
            cancellationToken).ConfigureAwait(false);
        if (!result.Found && !result.Unreadable)
        {
            CacheInstrumentation.RecordLookup(hit: false, _tableName);
            return result;
        }

        var dueAt = ExtensionRule.DueAt(mode, result.SlidingWindowMicroseconds, result.ExpiryInstant, result.AbsoluteDeadline, _recentReads.GetThreshold);
        if (result.SlidingWindowMicroseconds is not null)
        {
            CacheInstrumentation.RecordExtension(result.Extended ? "written" : dueAt <= now.Ticks ? "due" : "not_due", _tableName);
        }

        if (dueAt <= now.Ticks && statements.Refresh is { } extend)
        {
            // Due, though this process did not know it (first read here, or another server changed the entry): one more
            // round trip, at most once per threshold of the window for an entry in use.
            if (await ExecuteByIdAsync(id, extend, _recentReads.GetThreshold, isAsync, cancellationToken).ConfigureAwait(false) == 1)
            {
                CacheInstrumentation.RecordExtension("written", _tableName);
                result = result with { ExpiryInstant = ExtensionRule.ExtendedExpiry(mode, result.SlidingWindowMicroseconds!.Value, result.AbsoluteDeadline, now) };
                dueAt = ExtensionRule.DueAt(mode, result.SlidingWindowMicroseconds, result.ExpiryInstant, result.AbsoluteDeadline, _recentReads.GetThreshold);
            }
        }

        result = _codec.Unprotect(result, destination);
        if (result.Unreadable)
        {
            if (_throwOnUnreadableEntries)
            {
                throw new InvalidDataException(
                    $"An entry in table '{_table}' holds data in column '{binding.Shape.Layout.DataColumn}' that cannot be decoded: " +
                    (_codec.Protects
                        ? "it is not Base64, or was not protected with this application's Data Protection key ring."
                        : "it is not Base64 (perhaps another application wrote it).") +
                    " Set ThrowOnUnreadableEntries = false to treat such entries as missing.");
            }

            LogUnreadableEntry(_logger, _table, binding.Shape.Layout.DataColumn);
            CacheInstrumentation.RecordLookup(hit: false, _tableName);
            return default;
        }

        _recentReads.Record(id, now.Ticks, result.SlidingWindowMicroseconds, dueAt);
        CacheInstrumentation.RecordLookup(hit: true, _tableName);
        return result;
    }

    public async ValueTask<int> SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, bool isAsync, CancellationToken cancellationToken)
    {
        // Caller mistakes are reported before any I/O.
        var now = _timeProvider.GetUtcNow();
        var expiration = EntryExpiration.Compute(now, options, _defaultSlidingWindow);
        var binding = await _binder.BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        CheckExpirationFitsTheTable(expiration, binding.Shape.Layout.Expiry);
        var id = ToStoredId(key, binding);

        // What this process remembered of the old entry (its window, when it is due) no longer holds.
        _recentReads.Forget(id);
        value = _codec.Protect(value);
        if (binding.Shape.WhyValueDoesNotFit(value.Length, ValueCodec.CountEscapedBytes(value)) is { } tooLarge)
        {
            throw new ArgumentException(tooLarge, nameof(value));
        }

        byte[]? rented = null;
        ReadOnlyMemory<byte> contiguous;
        if (value.IsSingleSegment)
        {
            contiguous = value.First;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent(checked((int)value.Length));
            value.CopyTo(rented);
            contiguous = rented.AsMemory(0, (int)value.Length);
        }

        try
        {
            return await _executor.RunAsync(
                (Sql: binding.Statements.Set, Id: id, Data: ValueCodec.ToParameter(contiguous, binding.Shape.Layout.Encoding),
                    Now: EntryExpiration.Truncate(now.UtcDateTime), Expiration: expiration),
                static async (connection, state, isAsync, cancellationToken) =>
                {
                    using var command = new MySqlCommand(state.Sql, connection);
                    command.Parameters.AddWithValue(SqlStatements.IdParameter, state.Id);
                    command.Parameters.AddWithValue(SqlStatements.DataParameter, state.Data);
                    command.Parameters.AddWithValue(SqlStatements.NowParameter, state.Now);
                    command.Parameters.AddWithValue(SqlStatements.ExpiresAtParameter, state.Expiration.ExpiresAt);
                    command.Parameters.AddWithValue(SqlStatements.SlidingWindowParameter, state.Expiration.SlidingWindowMicroseconds);
                    command.Parameters.AddWithValue(SqlStatements.AbsoluteDeadlineParameter, state.Expiration.AbsoluteDeadline);
                    return isAsync ? await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteNonQuery();
                },
                isAsync,
                cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    public async ValueTask<int> RefreshAsync(string key, bool isAsync, CancellationToken cancellationToken)
    {
        var binding = await _binder.BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        var id = ToStoredId(key, binding);
        if (binding.Statements.Refresh is not { } refresh)
        {
            return 0; // The table keeps no expiry: there is nothing to refresh.
        }

        // The session middleware refreshes at the end of every request that read but did not change the session; the Get
        // at its start has usually done all a Refresh would.
        if (_recentReads.CoversRefresh(id, Now().Ticks))
        {
            CacheInstrumentation.RecordExtension("skipped", _tableName);
            return 0;
        }

        var extended = await ExecuteByIdAsync(id, refresh, _recentReads.RefreshThreshold, isAsync, cancellationToken).ConfigureAwait(false);
        CacheInstrumentation.RecordExtension(extended == 1 ? "written" : "not_due", _tableName);
        return extended;
    }

    public async ValueTask<int> RemoveAsync(string key, bool isAsync, CancellationToken cancellationToken)
    {
        var binding = await _binder.BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        var id = ToStoredId(key, binding);
        _recentReads.Forget(id);
        return await ExecuteByIdAsync(id, binding.Statements.Remove, 0, isAsync, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> ChangeKeyAsync(string currentKey, string newKey, CancellationToken cancellationToken)
    {
        var binding = await _binder.BindAsync(isAsync: true, cancellationToken).ConfigureAwait(false);
        var id = ToStoredId(currentKey, binding);
        var newId = ToStoredId(newKey, binding);
        _recentReads.Forget(id);
        var moved = await _executor.RunAsync(
            (Sql: binding.Statements.ChangeId, Id: id, NewId: newId, Now: Now(), Window: DefaultWindowMicroseconds),
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
            cancellationToken).ConfigureAwait(false);
        return moved == 1;
    }

    private ValueTask<int> ExecuteByIdAsync(string id, string statement, double threshold, bool isAsync, CancellationToken cancellationToken) =>
        _executor.RunAsync(
            (Sql: statement, Id: id, Now: Now(), Threshold: threshold, Window: DefaultWindowMicroseconds),
            static async (connection, state, isAsync, cancellationToken) =>
            {
                using var command = new MySqlCommand(state.Sql, connection);
                command.Parameters.AddWithValue(SqlStatements.IdParameter, state.Id);
                command.Parameters.AddWithValue(SqlStatements.NowParameter, state.Now);
                command.Parameters.AddWithValue(SqlStatements.ThresholdParameter, state.Threshold);
                command.Parameters.AddWithValue(SqlStatements.SlidingWindowParameter, state.Window);
                return isAsync ? await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) : command.ExecuteNonQuery();
            },
            isAsync,
            cancellationToken);

    /// <summary>Refuses, before any I/O, an expiration the table's layout cannot keep.</summary>
    private void CheckExpirationFitsTheTable(EntryExpiration expiration, ExpiryMode mode)
    {
        if (mode == ExpiryMode.ExpiryColumns)
        {
            return;
        }

        if (expiration.AbsoluteDeadline is not null)
        {
            throw new NotSupportedException(
                $"The table '{_table}' has no expiry columns, so it cannot keep an absolute expiration. Upgrade it to the full schema " +
                "(sessionstore schema upgrade, or schema/mysql/001_create_sessions.sql) or use only sliding expirations.");
        }

        if (mode == ExpiryMode.LastActive && expiration.SlidingWindow != _defaultSlidingWindow && Interlocked.Exchange(ref _slidingWindowWarned, 1) == 0)
        {
            LogSlidingWindowIgnored(_logger, _table, _defaultSlidingWindow);
        }
    }

    private string ToStoredId(string key, TableBinding binding) => StoredId.FromKey(key, _keyStorage, binding.Shape.IdCapacity);

    // Event ids 1002 and 1100-1199: operations (see DbiSessionCache.Log.cs for the ranges).
    [LoggerMessage(EventId = 1002, EventName = "SlidingWindowIgnored", Level = LogLevel.Warning,
        Message = "Table {Table} has no expiry columns, so every entry slides by DefaultSlidingExpiration ({Window}); a different sliding expiration was asked for and is not kept. Set DefaultSlidingExpiration to the session IdleTimeout, or upgrade the table")]
    private static partial void LogSlidingWindowIgnored(ILogger logger, TableName table, TimeSpan window);

    [LoggerMessage(EventId = 1101, EventName = "UnreadableEntry", Level = LogLevel.Warning,
        Message = "An entry in table {Table} holds data in column {DataColumn} that cannot be decoded; it is treated as missing")]
    private static partial void LogUnreadableEntry(ILogger logger, TableName table, string dataColumn);
}
