using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;
using SessionStore.Diagnostics;
using SessionStore.Etcd.Connections;
using SessionStore.Etcd.Storage;
using SessionStore.Expiry;
using SessionStore.Keys;

namespace SessionStore.Etcd;

/// <summary>
/// An <see cref="IDistributedCache"/> and <see cref="IBufferDistributedCache"/> on etcd v3, with the contract of the MySQL
/// store: absolute, sliding and both; lazy sliding; keys of any length stored as digests under <c>KeyPrefix</c>; leases as
/// garbage collection, shared by entries that expire in the same minute. Register it with <c>AddEtcdSessionCache</c>.
/// </summary>
public sealed partial class EtcdSessionCache : IBufferDistributedCache, IKeyMovingCache, IDisposable
{
    /// <summary>etcd's default <c>--max-request-bytes</c>.</summary>
    internal const int MaxRequestBytes = 1_572_864;

    /// <summary>Room left for the protobuf and Raft framing around a put in a Txn (measured: under 100 bytes).</summary>
    private const int RequestFraming = 512;

    private static readonly Func<string> s_systemName = static () => "etcd";

    private readonly EtcdClient _client;
    private readonly bool _ownsClient;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<EtcdSessionCache> _logger;
    private readonly EtcdSessionCacheOptions _options;
    private readonly EtcdEntryStore _store;
    private readonly EtcdRequestDeadline _deadline;
    private readonly string _prefix;
    private volatile bool _disposed;

    internal EtcdSessionCache(
        EtcdSessionCacheOptions options, EtcdClient client, bool ownsClient, TimeProvider timeProvider, ILogger<EtcdSessionCache> logger, bool leasePerEntry = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        _options = options;
        _client = client;
        _ownsClient = ownsClient;
        _timeProvider = timeProvider;
        _logger = logger;
        _prefix = options.KeyPrefix;
        _deadline = new EtcdRequestDeadline(options.RequestTimeout);
        Leases = new LeaseBuckets(GrantAsync, TimeSpan.FromMinutes(1), leasePerEntry);
        _store = new EtcdEntryStore(client, Leases, _deadline, options.SerializableReads, options.SlidingExtensionThreshold, OnRetry, LogLeaseRegranted);
        MaxValueLength = MaxRequestBytes - RequestFraming - Envelope.HeaderLength - (2 * (Encoding.UTF8.GetByteCount(_prefix) + StoredId.DigestLength));
    }

    /// <summary>The largest value a <c>Set</c> accepts: etcd's request limit less the key, the envelope and the framing.</summary>
    internal int MaxValueLength { get; }

    internal LeaseBuckets Leases { get; }

    /// <inheritdoc />
    public byte[]? Get(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Run(ReadAsync(key, "get", wantData: true, isAsync: false, CancellationToken.None))?.ToArray();
    }

    /// <inheritdoc />
    public async Task<byte[]?> GetAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return (await ReadAsync(key, "get", wantData: true, isAsync: true, token).ConfigureAwait(false))?.ToArray();
    }

    /// <inheritdoc />
    public bool TryGet(string key, IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);
        return CopyTo(Run(ReadAsync(key, "get", wantData: true, isAsync: false, CancellationToken.None)), destination);
    }

    /// <inheritdoc />
    public async ValueTask<bool> TryGetAsync(string key, IBufferWriter<byte> destination, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(destination);
        return CopyTo(await ReadAsync(key, "get", wantData: true, isAsync: true, token).ConfigureAwait(false), destination);
    }

    /// <inheritdoc />
    public void Set(string key, byte[] value, DistributedCacheEntryOptions options)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        Run(WriteAsync(key, new ReadOnlySequence<byte>(value), options, isAsync: false, CancellationToken.None));
    }

#pragma warning disable RS0026 // The optional token mirrors IDistributedCache and IBufferDistributedCache, which declare it.
    /// <inheritdoc />
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
        Run(WriteAsync(key, value, options, isAsync: false, CancellationToken.None));
    }

    /// <inheritdoc />
    public async ValueTask SetAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(options);
        await WriteAsync(key, value, options, isAsync: true, token).ConfigureAwait(false);
    }
#pragma warning restore RS0026

    /// <inheritdoc />
    public void Refresh(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Run(ReadAsync(key, "refresh", wantData: false, isAsync: false, CancellationToken.None));
    }

    /// <inheritdoc />
    public async Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await ReadAsync(key, "refresh", wantData: false, isAsync: true, token).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public void Remove(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        Run(RemoveAsync(key, isAsync: false, CancellationToken.None));
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        await RemoveAsync(key, isAsync: true, token).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves the entry under <paramref name="currentKey"/> to <paramref name="newKey"/> (session-id rotation) in one etcd
    /// transaction, keeping its value and expiry. Returns <see langword="false"/>, changing nothing, when there is no live
    /// entry under <paramref name="currentKey"/>. An entry already under <paramref name="newKey"/> is replaced.
    /// </summary>
    public Task<bool> ChangeKeyAsync(string currentKey, string newKey, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(currentKey);
        ArgumentNullException.ThrowIfNull(newKey);
        var oldId = StoredKey(currentKey, nameof(currentKey));
        var newId = StoredKey(newKey, nameof(newKey));
        return InstrumentAsync("change_key", async ct =>
        {
            var now = Now();
            if (oldId.Equals(newId))
            {
                return await _store.ReadAsync(oldId, now, isAsync: true, ct).ConfigureAwait(false) is not null;
            }

            return await _store.ChangeKeyAsync(oldId, newId, now, isAsync: true, ct).ConfigureAwait(false);
        }, token).AsTask();
    }

    /// <summary>Disposes the etcd client when the cache built it; one from DI stays the app's.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }

    internal async Task<HealthCheckResult> CheckHealthAsync(HealthStatus failureStatus, CancellationToken cancellationToken)
    {
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var status = await _store.StatusAsync(cancellationToken).ConfigureAwait(false);
            var data = new Dictionary<string, object>
            {
                ["keyPrefix"] = _prefix,
                ["version"] = status.Version,
                ["leader"] = status.Leader,
                ["dbSize"] = status.DbSize,
            };
            return status.Errors.Count > 0
                ? HealthCheckResult.Degraded($"etcd {status.Version} answers with errors: {string.Join("; ", status.Errors)}.", data: data)
                : HealthCheckResult.Healthy($"etcd {status.Version} answers.", data);
        }
        catch (Exception ex) when (ex is RpcException or ObjectDisposedException)
        {
            return new HealthCheckResult(failureStatus, $"etcd does not answer: {ex.GetType().Name}.", ex);
        }
    }

    private async ValueTask<ReadOnlyMemory<byte>?> ReadAsync(string key, string operation, bool wantData, bool isAsync, CancellationToken cancellationToken)
    {
        var id = StoredKey(key, nameof(key));
        return await InstrumentAsync(operation, async ct =>
        {
            var now = Now();
            EtcdEntryStore.LiveEntry? found;
            try
            {
                found = await _store.ReadAsync(id, now, isAsync, ct).ConfigureAwait(false);
            }
            catch (InvalidDataException)
            {
                LogUnreadableEntry();
                found = null;
            }

            if (wantData)
            {
                CacheInstrumentation.RecordLookup(found is not null, _prefix);
            }

            if (found is not { } entry)
            {
                return (ReadOnlyMemory<byte>?)null;
            }

            if (_store.IsDue(entry.Expiration, now))
            {
                var written = await _store.ExtendAsync(id, entry, now, isAsync, ct).ConfigureAwait(false);
                CacheInstrumentation.RecordExtension(written ? "written" : "due", _prefix);
            }
            else if (entry.Expiration.SlidingWindow is not null)
            {
                CacheInstrumentation.RecordExtension("not_due", _prefix);
            }

            return entry.Data;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask WriteAsync(string key, ReadOnlySequence<byte> value, DistributedCacheEntryOptions options, bool isAsync, CancellationToken cancellationToken)
    {
        var id = StoredKey(key, nameof(key));
        if (value.Length > MaxValueLength)
        {
            throw new ArgumentException(
                $"The value is {value.Length} bytes; etcd's request limit (--max-request-bytes, 1.5 MiB by default) leaves room for at most {MaxValueLength} bytes.",
                nameof(value));
        }

        var now = _timeProvider.GetUtcNow();
        var expiration = EntryExpiration.Compute(now, options, _options.DefaultSlidingExpiration);
        var envelope = Envelope.Write(expiration, value);
        await InstrumentAsync("set", async ct =>
        {
            await _store.PutAsync(id, envelope, expiration.ExpiresAt, EntryExpiration.Truncate(now.UtcDateTime), isAsync, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async ValueTask RemoveAsync(string key, bool isAsync, CancellationToken cancellationToken)
    {
        var id = StoredKey(key, nameof(key));
        await InstrumentAsync("remove", async ct =>
        {
            await _store.DeleteAsync(id, isAsync, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The etcd key: the prefix and the key's digest (fixed length for keys of any length; refuses lone surrogates).</summary>
    private ByteString StoredKey(string key, string parameterName)
    {
        try
        {
            return ByteString.CopyFromUtf8(_prefix + StoredId.FromKey(key, DbiSessionKeyStorage.Digest, StoredId.DigestLength));
        }
        catch (ArgumentException ex) when (parameterName != nameof(key))
        {
            throw new ArgumentException(ex.Message.Split(" (Parameter", 2)[0], parameterName, ex);
        }
    }

    private DateTime Now() => EntryExpiration.Truncate(_timeProvider.GetUtcNow().UtcDateTime);

    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    private async ValueTask<TResult> InstrumentAsync<TResult>(string operation, Func<CancellationToken, ValueTask<TResult>> body, CancellationToken cancellationToken)
    {
        var scope = CacheInstrumentation.StartOperation(operation, _prefix, s_systemName);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            return await body(cancellationToken).ConfigureAwait(false);
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

    private async ValueTask<long> GrantAsync(long ttlSeconds, bool isAsync, CancellationToken cancellationToken)
    {
        var request = new LeaseGrantRequest { TTL = ttlSeconds };
        var response = isAsync
            ? await _client.LeaseGrantAsync(request, null, _deadline.FromNow(), cancellationToken).ConfigureAwait(false)
            : _client.LeaseGrant(request, null, _deadline.FromNow(), cancellationToken);
        return response.ID;
    }

    private void OnRetry(RpcException exception, int attempt)
    {
        LogTransientRetry(exception.StatusCode, attempt);
        CacheInstrumentation.Retries.Add(
            1, new KeyValuePair<string, object?>("error.type", exception.StatusCode.ToString()), new KeyValuePair<string, object?>("db.collection.name", _prefix));
    }

    private static bool CopyTo(ReadOnlyMemory<byte>? data, IBufferWriter<byte> destination)
    {
        if (data is not { } bytes)
        {
            return false;
        }

        destination.Write(bytes.Span);
        return true;
    }

    /// <summary>Completes a call made with isAsync false, which finished synchronously (real synchronous gRPC all the way down).</summary>
    private static T Run<T>(ValueTask<T> task) => task.IsCompleted ? task.GetAwaiter().GetResult() : task.AsTask().GetAwaiter().GetResult();

    private static void Run(ValueTask task)
    {
        if (task.IsCompleted)
        {
            task.GetAwaiter().GetResult();
        }
        else
        {
            task.AsTask().GetAwaiter().GetResult();
        }
    }
}
