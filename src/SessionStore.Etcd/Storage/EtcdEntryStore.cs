using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Grpc.Core;
using Mvccpb;
using SessionStore.Connections;
using SessionStore.Etcd.Connections;
using SessionStore.Expiry;
using SessionStore.Sql;

namespace SessionStore.Etcd.Storage;

/// <summary>
/// The etcd requests of the cache, each one round trip (retried whole on a transient error): one Range per read, a put with
/// the lease of the entry's expiry bucket per write, a Txn guarded by the entry's mod_revision per extension or rename.
/// Every attempt has its own deadline (<see cref="EtcdRequestDeadline"/>), so a request to a dead member is retried elsewhere.
/// Each method's <c>isAsync</c> chooses real synchronous or asynchronous gRPC calls all the way down.
/// </summary>
internal sealed class EtcdEntryStore(
    EtcdClient client, LeaseBuckets leases, EtcdRequestDeadline deadline, bool serializableReads, double threshold, Action<RpcException, int> onRetry, Action<long> onLeaseGone)
{
    private readonly EtcdRetry _retry = new(deadline, onRetry);

    /// <summary>An entry as read: its key-value (value and mod_revision) and its expiry.</summary>
    public readonly record struct LiveEntry(KeyValue KeyValue, EntryExpiration Expiration)
    {
        public ReadOnlyMemory<byte> Data => KeyValue.Value.Memory[Envelope.HeaderLength..];
    }

    /// <summary>
    /// The live entry at <paramref name="id"/>, or <see langword="null"/> when there is none or it has expired (even if etcd
    /// has not yet removed it). Throws <see cref="InvalidDataException"/> for bytes that are not an envelope.
    /// </summary>
    public async ValueTask<LiveEntry?> ReadAsync(ByteString id, DateTime now, bool isAsync, CancellationToken cancellationToken)
    {
        var request = new RangeRequest { Key = id, Serializable = serializableReads };
        var response = await RetryAsync(
            (isAsync, until, ct) => isAsync ? new ValueTask<RangeResponse>(client.GetAsync(request, null, until, ct)) : new(client.Get(request, null, until, ct)),
            isAsync, cancellationToken).ConfigureAwait(false);
        if (response.Kvs.Count == 0)
        {
            return null;
        }

        var kv = response.Kvs[0];
        if (!Envelope.TryRead(kv.Value.Span, out var expiration))
        {
            throw new InvalidDataException("The entry is not an envelope this cache wrote.");
        }

        return expiration.ExpiresAt > now ? new LiveEntry(kv, expiration) : null;
    }

    /// <summary>Whether a read at <paramref name="now"/> extends the entry: the lazy-sliding rule of the MySQL store.</summary>
    public bool IsDue(EntryExpiration expiration, DateTime now) =>
        ExtensionRule.DueAt(ExpiryMode.ExpiryColumns, expiration.SlidingWindowMicroseconds, expiration.ExpiresAt, expiration.AbsoluteDeadline, threshold) <= now.Ticks;

    /// <summary>
    /// Extends a due entry, if nobody wrote it since it was read (a compare on its mod_revision; a failed compare means
    /// another writer's envelope is newer, which is fine). Returns whether this call wrote.
    /// </summary>
    public async ValueTask<bool> ExtendAsync(ByteString id, LiveEntry entry, DateTime now, bool isAsync, CancellationToken cancellationToken)
    {
        var expiration = entry.Expiration;
        var expiresAt = ExtensionRule.ExtendedExpiry(ExpiryMode.ExpiryColumns, expiration.SlidingWindowMicroseconds!.Value, expiration.AbsoluteDeadline, now);
        var envelope = Envelope.WithExpiration(entry.KeyValue.Value.Span, expiration with { ExpiresAt = expiresAt });
        var response = await WithLeaseAsync(expiresAt, now, lease =>
        {
            var txn = new TxnRequest();
            txn.Compare.Add(new Compare
            {
                Key = id, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = entry.KeyValue.ModRevision,
            });
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = id, Value = UnsafeByteOperations.UnsafeWrap(envelope), Lease = lease } });
            return txn;
        }, isAsync, cancellationToken).ConfigureAwait(false);
        return response.Succeeded;
    }

    /// <summary>Writes an envelope with the lease of its expiry bucket (a put without it would detach the key from its lease).</summary>
    public async ValueTask PutAsync(ByteString id, byte[] envelope, DateTime expiresAt, DateTime now, bool isAsync, CancellationToken cancellationToken)
    {
        await WithLeaseAsync(expiresAt, now, lease =>
        {
            var txn = new TxnRequest();
            txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = id, Value = UnsafeByteOperations.UnsafeWrap(envelope), Lease = lease } });
            return txn;
        }, isAsync, cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask DeleteAsync(ByteString id, bool isAsync, CancellationToken cancellationToken)
    {
        var request = new DeleteRangeRequest { Key = id };
        await RetryAsync(
            (isAsync, until, ct) => isAsync ? new ValueTask<DeleteRangeResponse>(client.DeleteAsync(request, null, until, ct)) : new(client.Delete(request, null, until, ct)),
            isAsync, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Moves a live entry to <paramref name="newId"/> in one Txn: if the old key is unchanged since it was read, put its
    /// envelope under the new key (with its lease) and delete the old one. Returns false when the old entry is missing or
    /// expired. A retried Txn whose first attempt landed finds the old key gone and the new one holding the same bytes: true.
    /// </summary>
    public async ValueTask<bool> ChangeKeyAsync(ByteString oldId, ByteString newId, DateTime now, bool isAsync, CancellationToken cancellationToken)
    {
        for (var round = 0; round < EtcdTransientErrors.MaxAttempts; round++)
        {
            if (await ReadAsync(oldId, now, isAsync, cancellationToken).ConfigureAwait(false) is not { } entry)
            {
                return false;
            }

            var response = await WithLeaseAsync(entry.Expiration.ExpiresAt, now, lease =>
            {
                var txn = new TxnRequest();
                txn.Compare.Add(new Compare
                {
                    Key = oldId, Target = Compare.Types.CompareTarget.Mod, Result = Compare.Types.CompareResult.Equal, ModRevision = entry.KeyValue.ModRevision,
                });
                txn.Success.Add(new RequestOp { RequestPut = new PutRequest { Key = newId, Value = entry.KeyValue.Value, Lease = lease } });
                txn.Success.Add(new RequestOp { RequestDeleteRange = new DeleteRangeRequest { Key = oldId } });
                txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = oldId, CountOnly = true } });
                txn.Failure.Add(new RequestOp { RequestRange = new RangeRequest { Key = newId } });
                return txn;
            }, isAsync, cancellationToken).ConfigureAwait(false);
            if (response.Succeeded)
            {
                return true;
            }

            var oldGone = response.Responses[0].ResponseRange.Count == 0;
            var newKvs = response.Responses[1].ResponseRange.Kvs;
            if (oldGone)
            {
                return newKvs.Count == 1 && newKvs[0].Value.Equals(entry.KeyValue.Value);
            }

            // The old entry was rewritten between the read and the Txn: read it again.
        }

        return false;
    }

    public async ValueTask<StatusResponse> StatusAsync(CancellationToken cancellationToken) =>
        await client.StatusAsync(new StatusRequest(), null, deadline.FromNow(), cancellationToken).ConfigureAwait(false);

    private async ValueTask<TxnResponse> WithLeaseAsync(DateTime expiresAt, DateTime now, Func<long, TxnRequest> build, bool isAsync, CancellationToken cancellationToken) =>
        await RetryAsync(async (isAsync, until, ct) =>
        {
            for (var grant = 1; ; grant++)
            {
                // A lease grant is its own request with its own deadline (it may be shared with other callers); the Txn gets this attempt's.
                var lease = await leases.LeaseForAsync(expiresAt, now, isAsync, ct).ConfigureAwait(false);
                var request = build(lease);
                try
                {
                    return isAsync ? await client.TransactionAsync(request, null, until, ct).ConfigureAwait(false) : client.Transaction(request, null, until, ct);
                }
                catch (RpcException ex) when (grant < 3 && EtcdTransientErrors.IsLeaseNotFound(ex))
                {
                    leases.Forget(lease);
                    onLeaseGone(lease);
                }
            }
        }, isAsync, cancellationToken).ConfigureAwait(false);

    private ValueTask<T> RetryAsync<T>(Func<bool, DateTime?, CancellationToken, ValueTask<T>> call, bool isAsync, CancellationToken cancellationToken) =>
        _retry.RunAsync(call, isAsync, cancellationToken);
}
