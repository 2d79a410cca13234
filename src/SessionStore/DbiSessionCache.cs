using System.Buffers;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using SessionStore.Connections;
using SessionStore.Diagnostics;
using SessionStore.Keys;
using SessionStore.Operations;
using SessionStore.Schema;
using SessionStore.Sql;
using SessionStore.Sweeping;
using SessionStore.Values;

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
public sealed partial class DbiSessionCache : IBufferDistributedCache, IKeyMovingCache, IDisposable
{
    // How a call travels: this facade (argument checks, one instrumentation scope) -> CacheOperations (key to stored id,
    // the expiry rule, the read memo, value encoding) -> Dispatcher (alone, or coalesced with waiting operations) ->
    // RetryingExecutor (connections, transient errors, retries) ->
    // SqlStatements (the text of every statement, per table layout and dialect).
    private readonly CacheOperations _operations;
    private readonly TableBinder _binder;
    private readonly RetryingExecutor _executor;
    private readonly TableSweep _sweep;
    private readonly TableName _table;
    private readonly string _tableName;
    private readonly Func<string> _systemName;
    private readonly EntryEstimate _estimatedEntries;
    private readonly ILogger _logger;
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
        _table = TableName.Parse(options.Table);
        _tableName = _table.ToString();
        _systemName = () => SystemName;
        _logger = logger;
        ValidateTableAtStartup = options.ValidateTableAtStartup;
        IDataProtector? protector = null;
        if (options.ProtectValues)
        {
            protector = (dataProtection ?? throw new InvalidOperationException(
                    "ProtectValues is on, but no IDataProtectionProvider is registered: call services.AddDataProtection() " +
                    "(with a key ring shared by every server, such as PersistKeysToDbi)."))
                .CreateProtector(ValueCodec.ProtectorPurpose, _tableName);
        }

        _executor = new RetryingExecutor(connections, OnRetry);
        _binder = new TableBinder(options, _table, connections, logger);
        _operations = new CacheOperations(options, _table, _binder, _executor, new ValueCodec(protector), timeProvider, logger);
        _sweep = new TableSweep(options, _table, _binder, connections, _operations.Now, RefreshEstimatedEntriesAsync, logger);
        _estimatedEntries = new EntryEstimate(_tableName);
        CacheInstrumentation.Register(_estimatedEntries);
    }

    /// <summary>The table's binding, made at first use; for the Dancer session sharing, which reads and writes the same table.</summary>
    internal TableBinder Binder => _binder;

    /// <summary>The cache's connections and retry policy; shared with the Dancer session sharing.</summary>
    internal RetryingExecutor Executor => _executor;

    /// <summary>Whether the host's startup checks the table (<see cref="DbiSessionCacheOptions.ValidateTableAtStartup"/>).</summary>
    internal bool ValidateTableAtStartup { get; }

    /// <summary>InnoDB's estimate of the entries in the table, refreshed at health checks and after each sweep; -1 until known.</summary>
    internal long EstimatedEntries => _estimatedEntries.Entries;

    /// <summary>The OpenTelemetry <c>db.system.name</c>: mysql until the first connection says otherwise.</summary>
    private string SystemName => _binder.Current?.Statements.Dialect == SqlDialect.MariaDb ? "mariadb" : "mysql";

    /// <inheritdoc />
    public byte[]? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return RunSynchronously(GetCoreAsync(key, destination: null, isAsync: false, CancellationToken.None)).Value;
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (await GetCoreAsync(key, destination: null, isAsync: true, token).ConfigureAwait(false)).Value;
    }

    /// <inheritdoc />
    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);
        return RunSynchronously(GetCoreAsync(key, destination, isAsync: false, CancellationToken.None)).Found;
    }

    /// <inheritdoc />
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);
        return (await GetCoreAsync(key, destination, isAsync: true, token).ConfigureAwait(false)).Found;
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        RunSynchronously(SetCoreAsync(key, new ReadOnlySequence<byte>(value), options, isAsync: false, CancellationToken.None));
    }

    /// <inheritdoc />
#pragma warning disable RS0026 // The optional token mirrors IDistributedCache and IBufferDistributedCache, which declare it.
    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        return SetCoreAsync(key, new ReadOnlySequence<byte>(value), options, isAsync: true, token).AsTask();
    }

    /// <inheritdoc />
    public void Set(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        RunSynchronously(SetCoreAsync(key, value, options, isAsync: false, CancellationToken.None));
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        await SetCoreAsync(key, value, options, isAsync: true, token).ConfigureAwait(false);
    }
#pragma warning restore RS0026

    /// <inheritdoc />
    public void Refresh(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        RunSynchronously(InstrumentAsync("refresh", key, static (operations, key, isAsync, token) => operations.RefreshAsync(key, isAsync, token), isAsync: false, CancellationToken.None));
    }

    /// <inheritdoc />
    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return InstrumentAsync("refresh", key, static (operations, key, isAsync, token) => operations.RefreshAsync(key, isAsync, token), isAsync: true, token).AsTask();
    }

    /// <inheritdoc />
    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        RunSynchronously(InstrumentAsync("remove", key, static (operations, key, isAsync, token) => operations.RemoveAsync(key, isAsync, token), isAsync: false, CancellationToken.None));
    }

    /// <inheritdoc />
    public Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return InstrumentAsync("remove", key, static (operations, key, isAsync, token) => operations.RemoveAsync(key, isAsync, token), isAsync: true, token).AsTask();
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
        return await InstrumentAsync(
            "change_key",
            (Current: currentKey, New: newKey),
            static (operations, keys, _, token) => operations.ChangeKeyAsync(keys.Current, keys.New, token),
            isAsync: true,
            token).ConfigureAwait(false);
    }

    /// <summary>Releases the data source the cache built from its DSN; a data source from the caller is left alone.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        CacheInstrumentation.Unregister(_estimatedEntries);
        _executor.Connections.Dispose();
        _binder.Dispose();
    }

    /// <summary>Reads the table's shape now (or creates it, if asked to); what the startup check runs.</summary>
    internal async Task EnsureBoundAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        await _binder.BindAsync(isAsync: true, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes this table's expired entries in batches, if this process takes the farm-wide sweep lock. Returns the rows
    /// deleted, or <see langword="null"/> when another server is sweeping.
    /// </summary>
    internal Task<long?> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _sweep.RunAsync(cancellationToken);
    }

    private ValueTask<StoredEntry> GetCoreAsync(string key, IBufferWriter<byte>? destination, bool isAsync, CancellationToken cancellationToken) =>
        InstrumentAsync(
            "get",
            (Key: key, Destination: destination),
            static (operations, state, isAsync, token) => operations.GetAsync(state.Key, state.Destination, isAsync, token),
            isAsync,
            cancellationToken);

    private ValueTask<int> SetCoreAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, bool isAsync, CancellationToken cancellationToken) =>
        InstrumentAsync(
            "set",
            (Key: key, Value: value, Options: options),
            static (operations, state, isAsync, token) => operations.SetAsync(state.Key, state.Value, state.Options, isAsync, token),
            isAsync,
            cancellationToken);

    /// <summary>
    /// The one instrumentation wrapper of every operation: a duration metric and a trace span, marked failed with the error
    /// type when it throws. The exception filter records and returns false, so the exception flows on untouched.
    /// </summary>
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TResult> InstrumentAsync<TState, TResult>(
        string operation,
        TState state,
        Func<CacheOperations, TState, bool, CancellationToken, ValueTask<TResult>> body,
        bool isAsync,
        CancellationToken cancellationToken)
    {
        var scope = CacheInstrumentation.StartOperation(operation, _tableName, _systemName);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await body(_operations, state, isAsync, cancellationToken).ConfigureAwait(false);
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

    private void OnRetry(MySqlErrorCode errorCode, int attempt)
    {
        LogTransientRetry(errorCode, attempt);
        CacheInstrumentation.RecordRetry(errorCode, _tableName);
    }

    private static T RunSynchronously<T>(ValueTask<T> task)
    {
        // With isAsync: false every awaited call completed synchronously, so this never blocks on pending work.
        Debug.Assert(task.IsCompleted, "A synchronous operation went asynchronous.");
        return task.GetAwaiter().GetResult();
    }
}
