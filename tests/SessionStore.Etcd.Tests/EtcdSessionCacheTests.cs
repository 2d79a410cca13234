using System.Buffers;
using System.Text;
using dotnet_etcd;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace SessionStore.Etcd.Tests;

/// <summary>The cache's contract against a real etcd; time moves with a fake clock, entries past their expiry stay in etcd.</summary>
public sealed class EtcdSessionCacheTests(EtcdServerFixture etcd) : IClassFixture<EtcdServerFixture>, IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 30, 12, 0, 0, TimeSpan.Zero));
    private readonly List<IDisposable> _owned = [];
    private readonly string _prefix = $"t-{Guid.NewGuid():N}/";

    private EtcdClient Client()
    {
        var client = new EtcdClient(etcd.Endpoint);
        _owned.Add(client);
        return client;
    }

    private EtcdSessionCache Cache(double threshold = 0.1, bool serializable = false)
    {
        var cache = new EtcdSessionCache(
            new EtcdSessionCacheOptions { Endpoints = [etcd.Endpoint], KeyPrefix = _prefix, SlidingExtensionThreshold = threshold, SerializableReads = serializable },
            new EtcdClient(etcd.Endpoint), ownsClient: true, _time, NullLogger<EtcdSessionCache>.Instance);
        _owned.Add(cache);
        return cache;
    }

    public void Dispose() => _owned.ForEach(d => d.Dispose());

    private static string NewKey() => Guid.NewGuid().ToString();

    /// <summary>The revision of the one key under this test's prefix: how we count writes to it.</summary>
    private async Task<(long Count, long ModRevision, long Lease)> StoredAsync()
    {
        var response = await Client().GetRangeAsync(_prefix);
        return response.Kvs.Count == 0 ? (0, 0, 0) : (response.Count, response.Kvs[0].ModRevision, response.Kvs[0].Lease);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task SetThenGet_ReturnsTheValue_SyncAndAsync(bool serializable)
    {
        var cache = Cache(serializable: serializable);
        var key = NewKey();
        await cache.SetAsync(key, [1, 2, 3], new DistributedCacheEntryOptions());
        Assert.Equal(new byte[] { 1, 2, 3 }, await cache.GetAsync(key));
        cache.Set(key, [4], new DistributedCacheEntryOptions());
        Assert.Equal(new byte[] { 4 }, cache.Get(key));
    }

    [Fact]
    public async Task Set_EmptyValue_IsAValue()
    {
        var cache = Cache();
        var key = NewKey();
        await cache.SetAsync(key, [], new DistributedCacheEntryOptions());
        Assert.Equal(Array.Empty<byte>(), await cache.GetAsync(key));
    }

    [Fact]
    public async Task Get_MissingKey_ReturnsNull() => Assert.Null(await Cache().GetAsync(NewKey()));

    [Fact]
    public async Task Remove_DeletesTheEntry_AndAMissingKeyIsFine()
    {
        var cache = Cache();
        var key = NewKey();
        await cache.SetAsync(key, [1], new DistributedCacheEntryOptions());
        await cache.RemoveAsync(key);
        cache.Remove(key);
        Assert.Null(await cache.GetAsync(key));
        Assert.Equal(0, (await StoredAsync()).Count);
    }

    [Fact]
    public async Task TryGet_WritesIntoTheBufferWriter_AndMultiSegmentSetRoundTrips()
    {
        var cache = Cache();
        var key = NewKey();
        var first = new Segment(new byte[] { 1, 2 });
        var last = first.Append(new byte[] { 3 });
        await cache.SetAsync(key, new ReadOnlySequence<byte>(first, 0, last, 1), new DistributedCacheEntryOptions());

        var writer = new ArrayBufferWriter<byte>();
        Assert.True(await cache.TryGetAsync(key, writer));
        Assert.Equal(new byte[] { 1, 2, 3 }, writer.WrittenSpan.ToArray());
        Assert.False(cache.TryGet(NewKey(), writer));
    }

    [Fact]
    public async Task Keys_OfAnyLengthAndAlphabet_AreDistinctAndCaseSensitive()
    {
        var cache = Cache();
        var keys = new[] { "", "a", "A", new string('k', 100_000), "ключ-🔑", "a " };
        foreach (var key in keys)
        {
            await cache.SetAsync(key, Encoding.UTF8.GetBytes(key.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + key[..Math.Min(key.Length, 3)]), new DistributedCacheEntryOptions());
        }

        foreach (var key in keys)
        {
            Assert.Equal(key.Length.ToString(System.Globalization.CultureInfo.InvariantCulture) + key[..Math.Min(key.Length, 3)], Encoding.UTF8.GetString((await cache.GetAsync(key))!));
        }

        var stored = await Client().GetRangeAsync(_prefix);
        Assert.Equal(keys.Length, stored.Count);
        Assert.All(stored.Kvs, kv => Assert.Equal(_prefix.Length + 40, kv.Key.Length));
    }

    [Fact]
    public async Task Key_WithALoneSurrogate_IsRefused() =>
        await Assert.ThrowsAsync<ArgumentException>("key", () => Cache().SetAsync("a\uD800", [1], new DistributedCacheEntryOptions()));

    [Fact]
    public async Task AbsoluteExpiration_EntryGoneAtTheDeadline_ThoughEtcdStillHoldsIt()
    {
        var cache = Cache();
        var key = NewKey();
        await cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });
        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromTicks(10));
        Assert.NotNull(await cache.GetAsync(key));
        _time.Advance(TimeSpan.FromTicks(10));

        Assert.Null(await cache.GetAsync(key));
        Assert.Equal(1, (await StoredAsync()).Count); // expired but not removed: never returned
        Assert.False(await cache.ChangeKeyAsync(key, NewKey()));
    }

    [Fact]
    public async Task AbsoluteExpiration_InThePast_IsRefusedBeforeAnyWrite()
    {
        var cache = Cache();
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            cache.SetAsync(NewKey(), [1], new DistributedCacheEntryOptions { AbsoluteExpiration = _time.GetUtcNow() }));
        Assert.Equal(0, (await StoredAsync()).Count);
    }

    [Fact]
    public async Task SlidingExpiration_IdleEntryExpires_AndAnEntryInUseDoesNot()
    {
        var cache = Cache();
        var idle = NewKey();
        var used = NewKey();
        var options = new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) };
        await cache.SetAsync(idle, [1], options);
        await cache.SetAsync(used, [2], options);

        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(9));
            Assert.NotNull(await cache.GetAsync(used));
        }

        Assert.Null(await cache.GetAsync(idle));
    }

    [Fact]
    public async Task Refresh_ExtendsASlidingEntry_WithoutReturningIt()
    {
        var cache = Cache();
        var key = NewKey();
        await cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(9));
            cache.Refresh(key);
        }

        Assert.NotNull(await cache.GetAsync(key));
        await cache.RefreshAsync(NewKey()); // a missing key writes nothing and does not throw
        Assert.Equal(1, (await StoredAsync()).Count);
    }

    [Fact]
    public async Task SlidingAndAbsolute_TheDeadlineWins()
    {
        var cache = Cache();
        var key = NewKey();
        await cache.SetAsync(key, [1], new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromMinutes(10),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(25),
        });
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(8));
            Assert.NotNull(await cache.GetAsync(key)); // 8, 16, 24 minutes
        }

        _time.Advance(TimeSpan.FromMinutes(1)); // 25: the deadline, though used a minute ago
        Assert.Null(await cache.GetAsync(key));
    }

    [Fact]
    public async Task LazySliding_WritesAtMostOncePerThresholdOfTheWindow()
    {
        var cache = Cache(threshold: 0.1);
        var key = NewKey();
        await cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });
        var revisions = new HashSet<long> { (await StoredAsync()).ModRevision };

        // 100 reads and refreshes over 10 minutes, one every 6 s: the threshold (1 minute) allows at most 10 writes.
        for (var i = 0; i < 100; i++)
        {
            _time.Advance(TimeSpan.FromSeconds(6));
            if (i % 2 == 0)
            {
                Assert.NotNull(await cache.GetAsync(key));
            }
            else
            {
                await cache.RefreshAsync(key);
            }

            revisions.Add((await StoredAsync()).ModRevision);
        }

        var writes = revisions.Count - 1;
        Assert.InRange(writes, 9, 10);
    }

    [Fact]
    public async Task LazySliding_AReadBeforeTheThreshold_WritesNothing()
    {
        var cache = Cache(threshold: 0.1);
        var key = NewKey();
        await cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });
        var before = await StoredAsync();
        _time.Advance(TimeSpan.FromSeconds(59));
        await cache.GetAsync(key);
        await cache.RefreshAsync(key);
        Assert.Equal(before.ModRevision, (await StoredAsync()).ModRevision);

        _time.Advance(TimeSpan.FromSeconds(2));
        await cache.RefreshAsync(key);
        var after = await StoredAsync();
        Assert.NotEqual(before.ModRevision, after.ModRevision);
        Assert.NotEqual(0, after.Lease); // the extension kept a lease: a plain put would have detached it
    }

    [Fact]
    public async Task Set_ValueLargerThanTheRequestLimit_IsRefusedNamingIt_BeforeAnyWrite()
    {
        var cache = Cache();
        var key = NewKey();
        await cache.SetAsync(key, [1], new DistributedCacheEntryOptions());
        var before = await StoredAsync();

        var ex = await Assert.ThrowsAsync<ArgumentException>("value", () => cache.SetAsync(key, new byte[cache.MaxValueLength + 1], new DistributedCacheEntryOptions()));
        Assert.Contains(cache.MaxValueLength.ToString(System.Globalization.CultureInfo.InvariantCulture), ex.Message, StringComparison.Ordinal);
        Assert.Contains("max-request-bytes", ex.Message, StringComparison.Ordinal);
        Assert.Equal(before.ModRevision, (await StoredAsync()).ModRevision);
        Assert.Equal(new byte[] { 1 }, await cache.GetAsync(key));
    }

    [Fact]
    public async Task Set_ValueAtTheLimit_IsStoredByEtcd()
    {
        var cache = Cache();
        var key = NewKey();
        var value = new byte[cache.MaxValueLength];
        Random.Shared.NextBytes(value);
        await cache.SetAsync(key, value, new DistributedCacheEntryOptions());
        Assert.Equal(value, await cache.GetAsync(key));
        await cache.ChangeKeyAsync(key, NewKey()); // a rename carries the value too
    }

    [Fact]
    public async Task ChangeKey_MovesValueAndExpiry_AndTheOldKeyReadsNothing()
    {
        var cache = Cache();
        var oldKey = NewKey();
        var newKey = NewKey();
        await cache.SetAsync(oldKey, [9], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });

        Assert.True(await cache.ChangeKeyAsync(oldKey, newKey));

        Assert.Null(await cache.GetAsync(oldKey));
        Assert.Equal(new byte[] { 9 }, await cache.GetAsync(newKey));
        Assert.Equal(1, (await StoredAsync()).Count);
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Null(await cache.GetAsync(newKey));
    }

    [Fact]
    public async Task ChangeKey_MissingKey_ReturnsFalseAndWritesNothing()
    {
        var cache = Cache();
        Assert.False(await cache.ChangeKeyAsync(NewKey(), NewKey()));
        Assert.Equal(0, (await StoredAsync()).Count);
    }

    [Fact]
    public async Task Entries_ExpiringInOneMinute_ShareOneLease()
    {
        var cache = Cache();
        for (var i = 0; i < 20; i++)
        {
            await cache.SetAsync(NewKey(), [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(30) });
        }

        var stored = await Client().GetRangeAsync(_prefix);
        Assert.Single(stored.Kvs.Select(kv => kv.Lease).Distinct());
        var ttl = await Client().LeaseTimeToLiveAsync(new Etcdserverpb.LeaseTimeToLiveRequest { ID = stored.Kvs[0].Lease }, null, null, default);
        Assert.InRange(ttl.TTL, 30 * 60, 32 * 60); // to one bucket past the bucket's end
    }

    [Fact]
    public async Task Operations_AfterDispose_Throw()
    {
        var cache = Cache();
        cache.Dispose();
        await Assert.ThrowsAsync<ObjectDisposedException>(() => cache.GetAsync(NewKey()));
    }

    [Fact]
    public async Task Cancellation_BeforeTheCall_Throws()
    {
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Cache().GetAsync(NewKey(), cts.Token));
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory) => Memory = memory;

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory) { RunningIndex = RunningIndex + Memory.Length };
            Next = next;
            return next;
        }
    }
}
