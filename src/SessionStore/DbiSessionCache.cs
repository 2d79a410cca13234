using System.Buffers;
using System.Buffers.Text;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Dapper;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using SessionStore.Expiry;
using SessionStore.Internal;
using SessionStore.Keys;
using SessionStore.Sql;

namespace SessionStore;

/// <summary>
/// An <see cref="IDistributedCache"/> and <see cref="IBufferDistributedCache"/> that keeps its entries in a MySQL or
/// MariaDB table. Register it with <c>AddDbiSessionCache</c>.
/// </summary>
/// <remarks>
/// Every operation is one round trip. The synchronous members do synchronous I/O (the session middleware's
/// <c>Load()</c> calls <see cref="Get"/>); the asynchronous ones never block. Time comes from the <see cref="TimeProvider"/>
/// in DI, so the server's clock and time zone do not matter.
/// </remarks>
public sealed partial class DbiSessionCache : IBufferDistributedCache, IDisposable
{
    /// <summary>
    /// Attempts for an operation that meets transient errors: ten, with the exponential pauses below (about 1.3 s in all at
    /// the worst). Measured on a three-node Galera cluster with 16 writers on one key: with 3 attempts 42 of 400 writes
    /// failed on certification conflicts, with 6 attempts 22 of 400; single-server deadlocks rarely need more than two.
    /// </summary>
    private const int MaxTransientAttempts = 10;

    /// <summary>How many dropped pooled connections one operation may draw in a row: MySqlConnector's default pool size.</summary>
    private const int MaxStaleConnections = 100;

    /// <summary>The Data Protection purpose of stored values (with the table name as a sub-purpose); never change it.</summary>
    internal const string ProtectorPurpose = "SessionStore.DbiSessionCache.Values.v1";

    private readonly ConnectionSource _connections;
    private readonly TableName _table;
    private readonly string _tableName;
    private readonly Func<string> _systemName;
    private readonly DbiSessionKeyStorage _keyStorage;
    private readonly TimeSpan _defaultSlidingWindow;
    private readonly bool _createTableIfMissing;
    private readonly bool _causalReads;
    private readonly bool _throwOnUnreadableEntries;
    private readonly (string Id, string Data, string LastActive) _columnNames;
    private readonly int _sweepBatchSize;
    private readonly TimeSpan _sweepBatchPause;
    private readonly IDataProtector? _protector;
    private readonly bool _validateTableAtStartup;
    private int _slidingWindowWarned;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly RecentReads _recentReads;
    private readonly SemaphoreSlim _bindLock = new(1, 1);
    private TableBinding? _binding;
    private volatile bool _disposed;

    internal DbiSessionCache(
        DbiSessionCacheOptions options,
        ConnectionSource connections,
        TimeProvider timeProvider,
        ILogger<DbiSessionCache> logger,
        IDataProtectionProvider? dataProtection = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(connections);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _connections = connections;
        _table = TableName.Parse(options.Table);
        _tableName = _table.ToString();
        _systemName = () => SystemName;
        _keyStorage = options.KeyStorage;
        _defaultSlidingWindow = options.DefaultSlidingExpiration;
        _createTableIfMissing = options.CreateTableIfMissing;
        _causalReads = options.CausalReads;
        _throwOnUnreadableEntries = options.ThrowOnUnreadableEntries;
        _columnNames = (options.IdColumn, options.DataColumn, options.LastActiveColumn);
        _sweepBatchSize = options.SweepBatchSize;
        _sweepBatchPause = options.SweepBatchPause;
        _validateTableAtStartup = options.ValidateTableAtStartup;
        if (options.ProtectValues)
        {
            _protector = (dataProtection ?? throw new InvalidOperationException(
                    "ProtectValues is on, but no IDataProtectionProvider is registered: call services.AddDataProtection() " +
                    "(with a key ring shared by every server, such as PersistKeysToDbi)."))
                .CreateProtector(ProtectorPurpose, _table.ToString());
        }
        _timeProvider = timeProvider;
        _logger = logger;
        _recentReads = new RecentReads(options.SlidingExtensionThreshold);
        CacheInstrumentation.Register(this, _tableName);
    }

    /// <inheritdoc />
    public byte[]? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RunSynchronously(ReadAsync(key, destination: null, isAsync: false, CancellationToken.None)).Value;
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (await ReadAsync(key, destination: null, isAsync: true, token).ConfigureAwait(false)).Value;
    }

    /// <inheritdoc />
    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);
        return RunSynchronously(ReadAsync(key, destination, isAsync: false, CancellationToken.None)).Found;
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);
        return (await ReadAsync(key, destination, isAsync: true, token).ConfigureAwait(false)).Found;
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        RunSynchronously(WriteAsync(key, new ReadOnlySequence<byte>(value), options, isAsync: false, CancellationToken.None));
    }

    /// <inheritdoc />
#pragma warning disable RS0026 // The optional token mirrors IDistributedCache and IBufferDistributedCache, which declare it.
    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        return WriteAsync(key, new ReadOnlySequence<byte>(value), options, isAsync: true, token).AsTask();
    }

    /// <inheritdoc />
    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        RunSynchronously(WriteAsync(key, value, options, isAsync: false, CancellationToken.None));
    }

    /// <inheritdoc />
    public ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        return WriteAsync(key, value, options, isAsync: true, token);
    }
#pragma warning restore RS0026

    /// <inheritdoc />
    public void Refresh(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        RunSynchronously(RefreshAsync(key, isAsync: false, CancellationToken.None));
    }

    /// <inheritdoc />
    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RefreshAsync(key, isAsync: true, token).AsTask();
    }

    /// <inheritdoc />
    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        RunSynchronously(RemoveAsync(key, isAsync: false, CancellationToken.None));
    }

    /// <inheritdoc />
    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RemoveAsync(key, isAsync: true, token).AsTask();
    }

    /// <summary>
    /// Moves the entry stored under <paramref name="currentKey"/> to <paramref name="newKey"/> in one statement, keeping its
    /// value and expiration (the Perl ancestor's <c>change_id</c>). Session-id rotation after sign-in uses this, so that a
    /// fixated id is worthless: afterwards the old key loads nothing.
    /// </summary>
    /// <param name="currentKey">The key the entry is stored under now.</param>
    /// <param name="newKey">The key to move it to; it must not be in use (a fresh random id).</param>
    /// <param name="token">Cancels the operation.</param>
    /// <returns><see langword="true"/> if a live entry moved; <see langword="false"/> if there was none.</returns>
    /// <exception cref="MySqlException">With <see cref="MySqlErrorCode.DuplicateKeyEntry"/> when <paramref name="newKey"/> is in use.</exception>
    public async Task<bool> ChangeKeyAsync(string currentKey, string newKey, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(currentKey);
        ArgumentNullException.ThrowIfNull(newKey);
        var scope = CacheInstrumentation.StartOperation("change_key", _tableName, _systemName);
        try
        {
            var binding = await BindAsync(isAsync: true, token).ConfigureAwait(false);
            var id = ToStoredId(currentKey, binding);
            var newId = ToStoredId(newKey, binding);
            _recentReads.Forget(id);
            var moved = await WithConnectionAsync(
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
                token).ConfigureAwait(false);
            return moved == 1;
        }
        catch (Exception ex) when (scope.Fail(ex))
        {
            throw; // never reached: Fail returns false
        }
        finally
        {
            scope.Dispose();
        }
    }

    /// <summary>Releases the data source the cache built from its DSN; a data source from the caller is left alone.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CacheInstrumentation.Unregister(this);
        _connections.Dispose();
        _bindLock.Dispose();
    }

    private async ValueTask<ReadResult> ReadAsync(string key, IBufferWriter<byte>? destination, bool isAsync, CancellationToken cancellationToken)
    {
        var scope = CacheInstrumentation.StartOperation("get", _tableName, _systemName);
        try
        {
            var result = await ReadCoreAsync(key, destination, isAsync, cancellationToken).ConfigureAwait(false);
            CacheInstrumentation.RecordLookup(result.Found, _tableName);
            return result;
        }
        catch (Exception ex) when (scope.Fail(ex))
        {
            throw; // never reached: Fail returns false, so the exception flows on untouched
        }
        finally
        {
            scope.Dispose();
        }
    }

    private async ValueTask<ReadResult> ReadCoreAsync(string key, IBufferWriter<byte>? destination, bool isAsync, CancellationToken cancellationToken)
    {
        var binding = await BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        var id = ToStoredId(key, binding);
        var now = Now();

        // Most reads are a plain primary-key SELECT: a DML statement in the same batch costs the server a transaction even
        // when it matches nothing (measured here: Get at 2.6x the plain SELECT's p50 with UPDATE+SELECT in every batch).
        // When this process knows the entry is due for an extension, the UPDATE goes in the same round trip.
        var extendFirst = _recentReads.IsExtensionDue(id, now.Ticks);
        var statements = binding.Statements;
        var result = await WithConnectionAsync(
            (Sql: extendFirst ? statements.ExtendAndSelect : statements.Select, Id: id, Now: now,
                Threshold: extendFirst ? _recentReads.GetThreshold : (double?)null,
                Window: binding.Shape.Layout.Expiry == ExpiryMode.LastActive ? DefaultWindowMicroseconds : (long?)null,
                Encoding: binding.Shape.Layout.Encoding, Destination: _protector is null ? destination : null),
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

                var reader = isAsync
                    ? await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false)
                    : command.ExecuteReader();
                try
                {
                    return await ReadEntryAsync(reader, state.Encoding, state.Destination, isAsync, cancellationToken).ConfigureAwait(false);
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
            return result;
        }

        var dueAt = ExtensionRule.DueAt(binding.Shape.Layout.Expiry, result.SlidingWindowMicroseconds, result.ExpiryInstant, result.AbsoluteDeadline, _recentReads.GetThreshold);
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
                result = result with { ExpiryInstant = ExtensionRule.ExtendedExpiry(binding.Shape.Layout.Expiry, result.SlidingWindowMicroseconds!.Value, result.AbsoluteDeadline, now) };
                dueAt = ExtensionRule.DueAt(binding.Shape.Layout.Expiry, result.SlidingWindowMicroseconds, result.ExpiryInstant, result.AbsoluteDeadline, _recentReads.GetThreshold);
            }
        }

        if (_protector is not null)
        {
            result = Unprotect(result, destination);
        }

        if (result.Unreadable)
        {
            if (_throwOnUnreadableEntries)
            {
                throw new InvalidDataException(
                    $"An entry in table '{_table}' holds data in column '{binding.Shape.Layout.DataColumn}' that cannot be decoded: " +
                    (_protector is null
                        ? "it is not Base64 (perhaps another application wrote it)."
                        : "it is not Base64, or was not protected with this application's Data Protection key ring.") +
                    " Set ThrowOnUnreadableEntries = false to treat such entries as missing.");
            }

            LogUnreadableEntry(_table, binding.Shape.Layout.DataColumn);
            return default;
        }

        _recentReads.Record(id, now.Ticks, result.SlidingWindowMicroseconds, dueAt);
        return result;
    }

    private static async ValueTask<ReadResult> ReadEntryAsync(
        MySqlDataReader reader, DataEncoding encoding, IBufferWriter<byte>? destination, bool isAsync, CancellationToken cancellationToken)
    {
        // Results without columns (the UPDATE that slides the entry, the SET statements) come first; the SELECT's rows follow.
        while (reader.FieldCount == 0)
        {
            if (!(isAsync ? await reader.NextResultAsync(cancellationToken).ConfigureAwait(false) : reader.NextResult()))
            {
                return default;
            }
        }

        if (!(isAsync ? await reader.ReadAsync(cancellationToken).ConfigureAwait(false) : reader.Read()))
        {
            return default;
        }

        long? slidingWindow = reader.IsDBNull(1) ? null : reader.GetInt64(1);
        DateTime? expiryInstant = reader.IsDBNull(2) ? null : reader.GetDateTime(2);
        DateTime? deadline = reader.IsDBNull(3) ? null : reader.GetDateTime(3);
        ReadResult entry;
        if (reader.IsDBNull(0))
        {
            // Only another application's row can hold NULL data (the ancestor's columns are nullable); the cache never writes it.
            entry = new ReadResult(false, null) { Unreadable = true };
        }
        else if (encoding == DataEncoding.Base64Text)
        {
            entry = DecodeBase64(reader.GetString(0), destination);
        }
        else
        {
            // GetStream wraps the row's bytes in the driver's buffer; they are copied once, into the destination.
            using var stream = reader.GetStream(0);
            var length = checked((int)stream.Length);
            if (destination is not null)
            {
                var span = destination.GetSpan(length)[..length];
                stream.ReadExactly(span);
                destination.Advance(length);
                entry = new ReadResult(true, null);
            }
            else
            {
                var value = GC.AllocateUninitializedArray<byte>(length);
                stream.ReadExactly(value);
                entry = new ReadResult(true, value);
            }
        }

        // RecordsAffected counts the rows the batch's UPDATE changed (the SELECT adds none).
        return entry with
        {
            SlidingWindowMicroseconds = slidingWindow,
            ExpiryInstant = expiryInstant,
            AbsoluteDeadline = deadline,
            Extended = reader.RecordsAffected > 0,
        };
    }

    private ReadResult Unprotect(ReadResult result, IBufferWriter<byte>? destination)
    {
        byte[] plain;
        try
        {
            plain = _protector!.Unprotect(result.Value!);
        }
        catch (CryptographicException)
        {
            // Written without protection, or with another key ring: as unreadable as any other foreign data.
            return result with { Found = false, Value = null, Unreadable = true };
        }

        if (destination is null)
        {
            return result with { Value = plain };
        }

        destination.Write(plain);
        return result with { Value = null };
    }

    private static ReadResult DecodeBase64(string text, IBufferWriter<byte>? destination)
    {
        var buffer = GC.AllocateUninitializedArray<byte>(Base64.GetMaxDecodedFromUtf8Length(text.Length));
        if (!Convert.TryFromBase64String(text, buffer, out var length))
        {
            return new ReadResult(false, null) { Unreadable = true };
        }

        if (destination is null)
        {
            return new ReadResult(true, length == buffer.Length ? buffer : buffer[..length]);
        }

        destination.Write(buffer.AsSpan(0, length));
        return new ReadResult(true, null);
    }

    private async ValueTask WriteAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, bool isAsync, CancellationToken cancellationToken)
    {
        var scope = CacheInstrumentation.StartOperation("set", _tableName, _systemName);
        try
        {
            await WriteCoreAsync(key, value, options, isAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (scope.Fail(ex))
        {
            throw; // never reached: Fail returns false
        }
        finally
        {
            scope.Dispose();
        }
    }

    private async ValueTask WriteCoreAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, bool isAsync, CancellationToken cancellationToken)
    {
        // Caller mistakes are reported before any I/O.
        var now = _timeProvider.GetUtcNow();
        var expiration = EntryExpiration.Compute(now, options, _defaultSlidingWindow);
        var binding = await BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        CheckExpirationFitsTheTable(expiration, binding.Shape.Layout.Expiry);
        var id = ToStoredId(key, binding);

        // What this process remembered of the old entry (its window, when it is due) no longer holds.
        _recentReads.Forget(id);
        if (_protector is not null)
        {
            value = new ReadOnlySequence<byte>(_protector.Protect(value.ToArray()));
        }

        if (binding.Shape.WhyValueDoesNotFit(value.Length, CountEscapedBytes(value)) is { } tooLarge)
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
            // A whole array goes in as byte[]; a slice as ReadOnlyMemory<byte>, which MySqlConnector writes without a copy.
            object data = binding.Shape.Layout.Encoding == DataEncoding.Base64Text
                ? Convert.ToBase64String(contiguous.Span)
                : MemoryMarshal.TryGetArray(contiguous, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
                    ? segment.Array
                    : contiguous;

            await WithConnectionAsync(
                (Sql: binding.Statements.Set, Id: id, Data: data, Now: EntryExpiration.Truncate(now.UtcDateTime), Expiration: expiration),
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

    private async ValueTask RefreshAsync(string key, bool isAsync, CancellationToken cancellationToken)
    {
        var scope = CacheInstrumentation.StartOperation("refresh", _tableName, _systemName);
        try
        {
            await RefreshCoreAsync(key, isAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (scope.Fail(ex))
        {
            throw; // never reached: Fail returns false
        }
        finally
        {
            scope.Dispose();
        }
    }

    private async ValueTask RefreshCoreAsync(string key, bool isAsync, CancellationToken cancellationToken)
    {
        var binding = await BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        var id = ToStoredId(key, binding);
        if (binding.Statements.Refresh is not { } refresh)
        {
            return; // The table keeps no expiry: there is nothing to refresh.
        }

        // The session middleware refreshes at the end of every request that read but did not change the session; the Get
        // at its start has usually done all a Refresh would.
        if (_recentReads.CoversRefresh(id, Now().Ticks))
        {
            CacheInstrumentation.RecordExtension("skipped", _tableName);
            return;
        }

        var extended = await ExecuteByIdAsync(id, refresh, _recentReads.RefreshThreshold, isAsync, cancellationToken).ConfigureAwait(false);
        CacheInstrumentation.RecordExtension(extended == 1 ? "written" : "not_due", _tableName);
    }

    private async ValueTask RemoveAsync(string key, bool isAsync, CancellationToken cancellationToken)
    {
        var scope = CacheInstrumentation.StartOperation("remove", _tableName, _systemName);
        try
        {
            await RemoveCoreAsync(key, isAsync, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (scope.Fail(ex))
        {
            throw; // never reached: Fail returns false
        }
        finally
        {
            scope.Dispose();
        }
    }

    private async ValueTask RemoveCoreAsync(string key, bool isAsync, CancellationToken cancellationToken)
    {
        var binding = await BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        var id = ToStoredId(key, binding);
        _recentReads.Forget(id);
        await ExecuteByIdAsync(id, binding.Statements.Remove, 0, isAsync, cancellationToken).ConfigureAwait(false);
    }

    private ValueTask<int> ExecuteByIdAsync(string id, string statement, double threshold, bool isAsync, CancellationToken cancellationToken) =>
        WithConnectionAsync(
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

    /// <summary>
    /// Runs <paramref name="operation"/> on an open connection, retrying transient failures with a fresh connection. Every
    /// statement the cache sends is idempotent, so a retry cannot apply anything twice.
    /// </summary>
    private async ValueTask<TResult> WithConnectionAsync<TState, TResult>(
        TState state,
        Func<MySqlConnection, TState, bool, CancellationToken, ValueTask<TResult>> operation,
        bool isAsync,
        CancellationToken cancellationToken)
    {
        var staleConnections = 0;
        for (var attempt = 1; ; attempt++)
        {
            MySqlConnection? connection = null;
            var retryAtOnce = false;
            try
            {
                connection = await _connections.OpenAsync(isAsync, cancellationToken).ConfigureAwait(false);
                return await operation(connection, state, isAsync, cancellationToken).ConfigureAwait(false);
            }
            catch (MySqlException ex) when (IsBrokenConnection(ex, connection) && ++staleConnections <= MaxStaleConnections)
            {
                // A pooled connection the server dropped while it sat idle (a restart, a failover, wait_timeout, a KILL):
                // the pool hands them out without a check, most recent first, so after an outage there may be as many as
                // the pool held. Each is discarded on failure, so draw the next at once, without counting it as an attempt.
                LogTransientRetry(ex.ErrorCode, attempt);
                CacheInstrumentation.RecordRetry(ex.ErrorCode, _tableName);
                retryAtOnce = true;
                attempt--;
            }
            catch (MySqlException ex) when (attempt < MaxAttemptsFor(ex) && IsTransient(ex))
            {
                LogTransientRetry(ex.ErrorCode, attempt);
                CacheInstrumentation.RecordRetry(ex.ErrorCode, _tableName);
            }
            finally
            {
                if (connection is not null)
                {
                    await ConnectionSource.CloseAsync(connection, isAsync).ConfigureAwait(false);
                }
            }

            if (!retryAtOnce)
            {
                await PauseBeforeRetryAsync(attempt, isAsync, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Whether the host's startup checks the table (<see cref="DbiSessionCacheOptions.ValidateTableAtStartup"/>).</summary>
    internal bool ValidateTableAtStartup => _validateTableAtStartup;

    /// <summary>Reads the table's shape now (or creates it, if asked to); what <see cref="TableStartupCheck"/> runs.</summary>
    internal async Task EnsureBoundAsync(CancellationToken cancellationToken) =>
        await BindAsync(isAsync: true, cancellationToken).ConfigureAwait(false);

    /// <summary>
    /// Learns the server's dialect and the table's shape on first use (creating the table if asked to), once per cache. A
    /// failure is not remembered: the next operation tries again, so a database that was down at startup does not poison the
    /// cache.
    /// </summary>
    private async ValueTask<TableBinding> BindAsync(bool isAsync, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_binding is { } bound)
        {
            return bound;
        }

        if (isAsync)
        {
            await _bindLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _bindLock.Wait(cancellationToken);
        }

        try
        {
            if (_binding is { } boundMeanwhile)
            {
                return boundMeanwhile;
            }

            var connection = await _connections.OpenAsync(isAsync, cancellationToken).ConfigureAwait(false);
            try
            {
                var dialect = SqlDialectDetector.FromServerVersion(connection.ServerVersion);
                var (columns, limits) = await TableDescription.ReadAsync(connection, _table, isAsync, cancellationToken).ConfigureAwait(false);
                var causalReads = _causalReads
                    ? await ClusterMembership.ChooseCausalReadsAsync(connection, limits, isAsync, cancellationToken).ConfigureAwait(false)
                    : CausalReads.None;
                if (columns.Count == 0)
                {
                    if (!_createTableIfMissing)
                    {
                        throw new InvalidOperationException(
                            $"The table '{_table}' does not exist in database '{_table.Database ?? limits.CurrentDatabase}'. Create it with " +
                            "schema/mysql/001_create_sessions.sql, or set CreateTableIfMissing = true if the connection's user may run DDL.");
                    }

                    var create = new CommandDefinition(SqlStatements.CreateTableDdl(_table), cancellationToken: cancellationToken);
                    _ = isAsync ? await connection.ExecuteAsync(create).ConfigureAwait(false) : connection.Execute(create);
                    LogTableCreated(_table);
                    (columns, limits) = await TableDescription.ReadAsync(connection, _table, isAsync, cancellationToken).ConfigureAwait(false);
                }

                var shape = TableShape.FromColumns(_table, columns, limits.MaxAllowedPacket, _columnNames, _keyStorage);
                var statements = new SqlStatements(_table, dialect, shape.Layout, causalReads);
                LogTableBound(_table, shape.Layout.Expiry, shape.Reason, dialect, shape.DataCapacity, shape.MaxAllowedPacket);
                var binding = new TableBinding(statements, shape);
                _binding = binding;
                return binding;
            }
            finally
            {
                await ConnectionSource.CloseAsync(connection, isAsync).ConfigureAwait(false);
            }
        }
        finally
        {
            _bindLock.Release();
        }
    }

    /// <summary>The OpenTelemetry <c>db.system.name</c>: mysql until the first connection says otherwise.</summary>
    private string SystemName => _binding?.Statements.Dialect == SqlDialect.MariaDb ? "mariadb" : "mysql";

    private long DefaultWindowMicroseconds => _defaultSlidingWindow.Ticks / TimeSpan.TicksPerMicrosecond;

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
            LogSlidingWindowIgnored(_table, _defaultSlidingWindow);
        }
    }

    private string ToStoredId(string key, TableBinding binding) => StoredId.FromKey(key, _keyStorage, binding.Shape.IdCapacity);

    private DateTime Now() => EntryExpiration.Truncate(_timeProvider.GetUtcNow().UtcDateTime);

    /// <summary>
    /// What is retried, every statement here being idempotent: what MySqlConnector flags as transient (cannot connect, too
    /// many connections); deadlocks and Galera certification conflicts (1213) and lock wait timeouts (1205); a Galera node
    /// that is up but not yet synced (1047, "WSREP has not yet prepared node for application use"); and a connection that
    /// broke under the operation (a server restart, a KILL, a failed-over node: MySqlConnector reports these with no server
    /// error code, after closing the connection).
    /// </summary>
    /// <summary>
    /// A server that cannot be reached is tried twice, not six times: each try may wait out the connect timeout, and during
    /// an outage callers need a prompt failure more than a late success.
    /// </summary>
    private static int MaxAttemptsFor(MySqlException exception) =>
        exception.ErrorCode == MySqlErrorCode.UnableToConnectToHost ? 2 : MaxTransientAttempts;

    private static bool IsTransient(MySqlException exception) =>
        exception.IsTransient
        || exception.ErrorCode is MySqlErrorCode.LockDeadlock or MySqlErrorCode.LockWaitTimeout or MySqlErrorCode.UnknownCommand;

    /// <summary>
    /// A connection that broke under the operation: MySqlConnector reports it with no server error code ("Failed to read
    /// the result set"), from an I/O error, and closes the connection.
    /// </summary>
    private static bool IsBrokenConnection(MySqlException exception, MySqlConnection? connection) =>
        connection is not null
        && exception.ErrorCode == MySqlErrorCode.None
        && (exception.InnerException is IOException or EndOfStreamException or System.Net.Sockets.SocketException
            || connection.State is System.Data.ConnectionState.Closed or System.Data.ConnectionState.Broken);

    private static async ValueTask PauseBeforeRetryAsync(int attempt, bool isAsync, CancellationToken cancellationToken)
    {
        // Exponential, jittered pauses (2.5-5, 5-10, 10-20, … up to 160-320 ms) so that writers that collided do not collide
        // again in step. Real time, not the cache's TimeProvider: this is about the server's locks, not entry lifetimes.
        var ceiling = 5 << Math.Min(attempt - 1, 6);
        var delay = TimeSpan.FromMilliseconds(ceiling / 2.0 + (Random.Shared.NextDouble() * ceiling / 2.0));
        if (isAsync)
        {
            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            Thread.Sleep(delay);
        }
    }

    /// <summary>
    /// Counts the bytes that may take an escape character when MySqlConnector writes the value into the statement text. This
    /// is a superset of what it escapes, so the packet check errs on the safe side.
    /// </summary>
    internal static long CountEscapedBytes(ReadOnlySequence<byte> value)
    {
        long count = 0;
        foreach (var memory in value)
        {
            var span = memory.Span;
            count += span.Count((byte)0x00) + span.Count((byte)0x27) + span.Count((byte)0x5C) + span.Count((byte)0x22)
                + span.Count((byte)0x0A) + span.Count((byte)0x0D) + span.Count((byte)0x1A);
        }

        return count;
    }

    private static T RunSynchronously<T>(ValueTask<T> task)
    {
        // With isAsync: false every awaited call completed synchronously, so this never blocks on pending work.
        Debug.Assert(task.IsCompleted, "A synchronous operation went asynchronous.");
        return task.GetAwaiter().GetResult();
    }

    private static void RunSynchronously(ValueTask task)
    {
        Debug.Assert(task.IsCompleted, "A synchronous operation went asynchronous.");
        task.GetAwaiter().GetResult();
    }

    /// <summary>What a read returned: the value, and the row's expiry facts (for the extension decision and the memo).</summary>
    private readonly record struct ReadResult(bool Found, byte[]? Value)
    {
        public long? SlidingWindowMicroseconds { get; init; }

        /// <summary><c>expires_at</c>, or <c>last_active</c> in <see cref="ExpiryMode.LastActive"/>, as UTC.</summary>
        public DateTime? ExpiryInstant { get; init; }

        public DateTime? AbsoluteDeadline { get; init; }

        public bool Unreadable { get; init; }

        /// <summary>Whether the read's own batch extended the entry.</summary>
        public bool Extended { get; init; }
    }
}
