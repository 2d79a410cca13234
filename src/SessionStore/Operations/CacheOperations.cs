using System.Buffers;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using SessionStore.Connections;
using SessionStore.Diagnostics;
using SessionStore.Dispatch;
using SessionStore.Expiry;
using SessionStore.Keys;
using SessionStore.Schema;
using SessionStore.Sql;
using SessionStore.Values;

namespace SessionStore.Operations;

/// <summary>
/// What each cache operation sends, and what it decides around the statement: key to stored id, the expiry rule, the
/// per-process read memo, value encoding. <see cref="DbiSessionCache"/> checks arguments and instruments; this decides;
/// <see cref="Dispatcher"/> sends each statement alone or coalesced; <see cref="RetryingExecutor"/> runs it;
/// <see cref="SqlStatements"/> holds its text.
/// </summary>
internal sealed partial class CacheOperations
{
    private readonly TableBinder _binder;
    private readonly RetryingExecutor _executor;
    private readonly ValueCodec _codec;
    private readonly RecentReads _recentReads;
    private readonly DbiSessionCacheOptions _options;
    private readonly double _threshold;
    private Dispatcher? _dispatcher;
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
        _options = options;
        _threshold = options.SlidingExtensionThreshold;
        _recentReads = new RecentReads();
        _timeProvider = timeProvider;
        _defaultSlidingWindow = options.DefaultSlidingExpiration;
        _keyStorage = options.KeyStorage;
        _throwOnUnreadableEntries = options.ThrowOnUnreadableEntries;
        _table = table;
        _tableName = table.ToString();
        _logger = logger;
    }

    /// <summary>Now, from the app's clock, at the microsecond precision of <c>DATETIME(6)</c>.</summary>
    public DateTime Now() => EntryExpiration.Truncate(_timeProvider.GetUtcNow().UtcDateTime);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<StoredEntry> GetAsync(string key, IBufferWriter<byte>? destination, bool isAsync, CancellationToken cancellationToken)
    {
        var (binding, dispatcher) = await BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        var id = ToStoredId(key, binding);
        var now = Now();
        var mode = binding.Shape.Layout.Expiry;

        // Most reads are a plain primary-key SELECT: a DML statement in the same batch costs the server a transaction even
        // when it matches nothing (measured here: Get at 2.6x the plain SELECT's p50 with UPDATE+SELECT in every batch).
        // When this process knows the entry is due for an extension, the UPDATE goes in the same round trip.
        var request = new ReadRequest(id, now, _codec.Protects ? null : destination);
        var result = _recentReads.IsExtensionDue(id, now.Ticks)
            ? await dispatcher.ExtendAndReadAsync(request, _threshold, isAsync, cancellationToken).ConfigureAwait(false)
            : await dispatcher.ReadAsync(request, isAsync, cancellationToken).ConfigureAwait(false);
        if (!result.Found && !result.Unreadable)
        {
            CacheInstrumentation.RecordLookup(hit: false, _tableName);
            return result;
        }

        var dueAt = ExtensionRule.DueAt(mode, result.SlidingWindowMicroseconds, result.ExpiryInstant, result.AbsoluteDeadline, _threshold);
        if (result.SlidingWindowMicroseconds is not null)
        {
            CacheInstrumentation.RecordExtension(result.Extended ? "written" : dueAt <= now.Ticks ? "due" : "not_due", _tableName);
        }

        if (dueAt <= now.Ticks && binding.Statements.Refresh is not null)
        {
            // Due, though this process did not know it (first read here, or another server changed the entry): one more
            // statement, at most once per threshold of the window for an entry in use.
            var extended = await dispatcher.ExtendAsync(new ExtendRequest(id, now, _threshold), isAsync, cancellationToken).ConfigureAwait(false);
            RecordExtended(extended);
            if (extended == 1)
            {
                var expiry = ExtensionRule.ExtendedExpiry(mode, result.SlidingWindowMicroseconds!.Value, result.AbsoluteDeadline, now);
                dueAt = ExtensionRule.DueAt(mode, result.SlidingWindowMicroseconds, expiry, result.AbsoluteDeadline, _threshold);
            }
            else
            {
                dueAt = long.MinValue; // Not known: the next read decides from the row again.
            }
        }

        if (destination is not null && !_codec.Protects && result.Value is { } value)
        {
            // A coalesced read returns the value instead of writing into the caller's buffer.
            destination.Write(value);
            result = result with { Value = null };
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

        if (dueAt == long.MinValue)
        {
            _recentReads.Forget(id);
        }
        else
        {
            _recentReads.Record(id, dueAt);
        }

        CacheInstrumentation.RecordLookup(hit: true, _tableName);
        return result;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, bool isAsync, CancellationToken cancellationToken)
    {
        // Caller mistakes are reported before any I/O, and before the write could join others in a statement.
        var now = _timeProvider.GetUtcNow();
        var expiration = EntryExpiration.Compute(now, options, _defaultSlidingWindow);
        var (binding, dispatcher) = await BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        CheckExpirationFitsTheTable(expiration, binding.Shape.Layout.Expiry);
        var id = ToStoredId(key, binding);

        // What this process remembered of the old entry no longer holds.
        _recentReads.Forget(id);
        value = _codec.Protect(value);
        var escapedBytes = ValueCodec.CountEscapedBytes(value);
        if (binding.Shape.WhyValueDoesNotFit(value.Length, escapedBytes) is { } tooLarge)
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
            var encoding = binding.Shape.Layout.Encoding;
            var statementBytes = encoding == DataEncoding.Base64Text ? (value.Length + 2) / 3 * 4 : value.Length + escapedBytes;
            return await dispatcher.WriteAsync(
                new WriteRequest(id, ValueCodec.ToParameter(contiguous, encoding), EntryExpiration.Truncate(now.UtcDateTime), expiration, statementBytes),
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

    /// <summary>
    /// Extends a sliding entry that is due. Decided in two steps: a read of the entry's expiry (cheap, and all most refreshes
    /// need: the session middleware refreshes at the end of every request that did not change the session, even one that
    /// never loaded it, under a key that may have no row), then, only when due, the UPDATE, whose own condition decides again.
    /// Never answered from this process's memory: another server may have rewritten the entry with a shorter window since.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> RefreshAsync(string key, bool isAsync, CancellationToken cancellationToken)
    {
        var (binding, dispatcher) = await BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        var id = ToStoredId(key, binding);
        if (binding.Statements.Refresh is null)
        {
            return 0; // The table keeps no expiry: there is nothing to refresh.
        }

        var now = Now();
        var entry = await dispatcher.ReadExpiryAsync(new ReadRequest(id, now), isAsync, cancellationToken).ConfigureAwait(false);
        if (!entry.Found)
        {
            return 0;
        }

        var mode = binding.Shape.Layout.Expiry;
        if (ExtensionRule.DueAt(mode, entry.SlidingWindowMicroseconds, entry.ExpiryInstant, entry.AbsoluteDeadline, _threshold) > now.Ticks)
        {
            CacheInstrumentation.RecordExtension("not_due", _tableName);
            return 0;
        }

        var extended = await dispatcher.ExtendAsync(new ExtendRequest(id, now, _threshold), isAsync, cancellationToken).ConfigureAwait(false);
        RecordExtended(extended);
        _recentReads.Forget(id);
        return extended;
    }

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<int> RemoveAsync(string key, bool isAsync, CancellationToken cancellationToken)
    {
        var (binding, dispatcher) = await BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        var id = ToStoredId(key, binding);
        _recentReads.Forget(id);
        return await dispatcher.RemoveAsync(new RemoveRequest(id), isAsync, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<bool> ChangeKeyAsync(string currentKey, string newKey, CancellationToken cancellationToken)
    {
        var (binding, dispatcher) = await BindAsync(isAsync: true, cancellationToken).ConfigureAwait(false);
        var id = ToStoredId(currentKey, binding);
        var newId = ToStoredId(newKey, binding);
        _recentReads.Forget(id);
        return await dispatcher.ChangeIdAsync(id, newId, Now(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The table's binding, and the dispatcher made for it on first use (the binding never changes once made).</summary>
    private async ValueTask<(TableBinding Binding, Dispatcher Dispatcher)> BindAsync(bool isAsync, CancellationToken cancellationToken)
    {
        var binding = await _binder.BindAsync(isAsync, cancellationToken).ConfigureAwait(false);
        var dispatcher = Volatile.Read(ref _dispatcher);
        if (dispatcher is null)
        {
            Interlocked.CompareExchange(ref _dispatcher, new Dispatcher(_options, binding, _executor), null);
            dispatcher = _dispatcher!;
        }

        return (binding, dispatcher);
    }

    private void RecordExtended(int extended) =>
        CacheInstrumentation.RecordExtension(extended switch { 1 => "written", 0 => "not_due", _ => "some_written" }, _tableName);

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
