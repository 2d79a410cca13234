using dotnet_etcd;
using Etcdserverpb;
using Google.Protobuf;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SessionStore.Etcd.Storage;
using SessionStore.Keys;
using ConformanceCache = SessionStore.Conformance.CacheUnderTest;

namespace SessionStore.Etcd.Tests.Conformance;

/// <summary>
/// A cache under the harness's key prefix, whose probes read etcd with a client of their own: the key is the prefix and
/// the key's digest, the value an envelope whose header holds the expiry.
/// </summary>
internal sealed class EtcdCacheUnderTest(ServiceProvider provider, FakeTimeProvider clock, string endpoint, string prefix)
    : ConformanceCache(provider.GetRequiredService<IDistributedCache>(), clock)
{
    private readonly EtcdClient _probe = new(endpoint);

    public override async Task<bool> IsStoredAsync(string key) => (await _probe.GetAsync(new RangeRequest { Key = StoredKey(key), CountOnly = true })).Count > 0;

    public override async Task<DateTimeOffset> StoredExpiryAsync(string key)
    {
        var response = await _probe.GetAsync(new RangeRequest { Key = StoredKey(key) });
        if (response.Kvs.Count == 0)
        {
            throw new InvalidOperationException("No entry is stored for the key.");
        }

        if (!Envelope.TryRead(response.Kvs[0].Value.Span, out var expiration))
        {
            throw new InvalidOperationException("The stored value is not an envelope.");
        }

        return new DateTimeOffset(expiration.ExpiresAt, TimeSpan.Zero);
    }

    public override async Task<long> CountStoredEntriesAsync() =>
        (await _probe.GetAsync(new RangeRequest { Key = ByteString.CopyFromUtf8(prefix), RangeEnd = ByteString.CopyFromUtf8(EtcdClient.GetRangeEnd(prefix)), CountOnly = true })).Count;

    private ByteString StoredKey(string key) =>
        ByteString.CopyFromUtf8(prefix + StoredId.FromKey(key, DbiSessionKeyStorage.Digest, StoredId.DigestLength));

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _probe.Dispose();
            provider.Dispose();
        }
    }
}
