using System.Buffers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.IntegrationTests;

public sealed class DbiSessionCacheTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private static string NewKey() => Guid.NewGuid().ToString();

    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    [Theory]
    [InlineData(0)]
    [InlineData(1024)]
    [InlineData(64 * 1024)]
    [InlineData(5 * 1024 * 1024)]
    public async Task SetAsync_ThenGetAsync_ReturnsTheSameBytes(int size)
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        var value = RandomNumberGenerator.GetBytes(size);

        await sut.Cache.SetAsync(key, value, s_noExpiry);

        Assert.Equal(value, await sut.Cache.GetAsync(key));
    }

    [Fact]
    public void Set_ThenGet_Synchronously_ReturnsTheSameBytes()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        var value = RandomNumberGenerator.GetBytes(4000);

        sut.Cache.Set(key, value, s_noExpiry);

        Assert.Equal(value, sut.Cache.Get(key));
    }

    [Fact]
    public async Task GetAsync_MissingKey_ReturnsNull()
    {
        using var sut = table.CreateCache();

        Assert.Null(await sut.Cache.GetAsync(NewKey()));
        Assert.Null(sut.Cache.Get(NewKey()));
    }

    [Fact]
    public async Task SetAsync_EmptyValue_IsAValueNotAMiss()
    {
        using var sut = table.CreateCache();
        var key = NewKey();

        await sut.Cache.SetAsync(key, [], s_noExpiry);

        var read = await sut.Cache.GetAsync(key);
        Assert.NotNull(read);
        Assert.Empty(read);
    }

    [Fact]
    public async Task SetAsync_Twice_TheSecondValueWins()
    {
        using var sut = table.CreateCache();
        var key = NewKey();

        await sut.Cache.SetAsync(key, [1, 2, 3], s_noExpiry);
        await sut.Cache.SetAsync(key, [4, 5], s_noExpiry);

        Assert.Equal([4, 5], await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task Keys_DifferingOnlyInCase_AreDifferentEntries()
    {
        using var sut = table.CreateCache();
        var key = "Case-" + NewKey();

        await sut.Cache.SetAsync(key, [1], s_noExpiry);
        await sut.Cache.SetAsync(key.ToUpperInvariant(), [2], s_noExpiry);

        Assert.Equal([1], await sut.Cache.GetAsync(key));
        Assert.Equal([2], await sut.Cache.GetAsync(key.ToUpperInvariant()));
    }

    [Theory]
    [InlineData("ключ-鍵-🔑-é")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tag:a'b\"c`d;DROP TABLE x;--")]
    public async Task Keys_NonAsciiEmptyAndQuoted_RoundTrip(string prefix)
    {
        using var sut = table.CreateCache();
        var key = prefix.Length == 0 ? "" : prefix + NewKey();

        await sut.Cache.SetAsync(key, Encoding.UTF8.GetBytes(key), s_noExpiry);

        Assert.Equal(Encoding.UTF8.GetBytes(key), await sut.Cache.GetAsync(key));
        await sut.Cache.RemoveAsync(key);
    }

    [Fact]
    public async Task Keys_OfHybridCacheLength_RoundTripAndAreNotConfused()
    {
        using var sut = table.CreateCache();
        var prefix = new string('k', 1023) + NewKey();

        await sut.Cache.SetAsync(prefix + "a", [1], s_noExpiry);
        await sut.Cache.SetAsync(prefix + "b", [2], s_noExpiry);

        Assert.Equal([1], await sut.Cache.GetAsync(prefix + "a"));
        Assert.Equal([2], await sut.Cache.GetAsync(prefix + "b"));
    }

    [Fact]
    public async Task StoredId_IsADigest_TheKeyIsNowhereInTheTable()
    {
        using var sut = table.CreateCache();
        var key = NewKey();

        await sut.Cache.SetAsync(key, [9], s_noExpiry);

        Assert.Equal(0L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Table}` WHERE id = @key", ("@key", key)));
        Assert.Equal(1L, await table.ScalarAsync<long>(
            $"SELECT COUNT(*) FROM `{table.Table}` WHERE id = @id", ("@id", Keys.StoredId.Digest(key))));
    }

    [Fact]
    public async Task VerbatimKeys_AreStoredAsGiven_AndTooLongOnesAreRejectedBeforeAnyWrite()
    {
        using var sut = table.CreateCache(o => o.KeyStorage = DbiSessionKeyStorage.Verbatim);
        var key = NewKey(); // 36 characters

        await sut.Cache.SetAsync(key, [7], s_noExpiry);
        var tooLong = key + "-extra";
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => sut.Cache.SetAsync(tooLong, [8], s_noExpiry));

        Assert.Equal([7], await sut.Cache.GetAsync(key));
        Assert.Equal(1L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Table}` WHERE id = @key", ("@key", key)));
        Assert.Contains("at most 40", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Table}` WHERE id LIKE @prefix", ("@prefix", key + "-%")));
    }

    [Fact]
    public async Task RemoveAsync_DeletesTheEntry_AndAMissingKeyIsFine()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], s_noExpiry);

        await sut.Cache.RemoveAsync(key);
        sut.Cache.Remove(key);
        await sut.Cache.RemoveAsync(NewKey());

        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task NullArguments_ThrowArgumentNullException()
    {
        using var sut = table.CreateCache();

        await Assert.ThrowsAsync<ArgumentNullException>("key", () => sut.Cache.GetAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>("value", () => sut.Cache.SetAsync("k", null!, s_noExpiry));
        await Assert.ThrowsAsync<ArgumentNullException>("options", () => sut.Cache.SetAsync("k", [], null!));
        Assert.Throws<ArgumentNullException>("key", () => sut.Cache.Refresh(null!));
        Assert.Throws<ArgumentNullException>("key", () => sut.Cache.Remove(null!));
        Assert.Throws<ArgumentNullException>("destination", () => sut.BufferCache.TryGet("k", null!));
    }

    [Fact]
    public async Task AbsoluteExpiration_EntryIsGoneAtTheDeadline_EvenThoughTheRowRemains()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });

        sut.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.Equal([1], await sut.Cache.GetAsync(key));

        sut.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await sut.Cache.GetAsync(key));
        Assert.Null(sut.Cache.Get(key));
        Assert.Equal(1L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Table}` WHERE id = @id", ("@id", Keys.StoredId.Digest(key))));
    }

    [Fact]
    public async Task AbsoluteExpiration_FixedInstant_IsHonoured()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        var deadline = sut.Clock.GetUtcNow().AddHours(2).ToOffset(TimeSpan.FromHours(5)); // a non-UTC offset must not matter

        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpiration = deadline });

        sut.Clock.Advance(TimeSpan.FromHours(2) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await sut.Cache.GetAsync(key));
        sut.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task AbsoluteExpiration_InThePast_IsRejectedAndNothingIsWritten()
    {
        using var sut = table.CreateCache();
        var key = NewKey();

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sut.Cache.SetAsync(
            key, [1], new DistributedCacheEntryOptions { AbsoluteExpiration = sut.Clock.GetUtcNow().AddSeconds(-1) }));

        Assert.Contains("must be in the future", exception.Message, StringComparison.Ordinal);
        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task SlidingExpiration_ReadsKeepTheEntryAlive_IdlenessEndsIt()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });

        for (var i = 0; i < 5; i++)
        {
            sut.Clock.Advance(TimeSpan.FromMinutes(9));
            Assert.Equal([1], await sut.Cache.GetAsync(key));
        }

        sut.Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task SlidingExpiration_RefreshKeepsTheEntryAlive()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });

        sut.Clock.Advance(TimeSpan.FromMinutes(8));
        await sut.Cache.RefreshAsync(key);
        sut.Clock.Advance(TimeSpan.FromMinutes(8));
        sut.Cache.Refresh(key);
        sut.Clock.Advance(TimeSpan.FromMinutes(8));

        Assert.Equal([1], await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task SlidingAndAbsolute_UseNeverExtendsPastTheDeadline()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions
        {
            SlidingExpiration = TimeSpan.FromMinutes(10),
            AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(25),
        });

        sut.Clock.Advance(TimeSpan.FromMinutes(9));
        Assert.NotNull(await sut.Cache.GetAsync(key));
        sut.Clock.Advance(TimeSpan.FromMinutes(9));
        await sut.Cache.RefreshAsync(key);
        sut.Clock.Advance(TimeSpan.FromMinutes(6)); // minute 24
        Assert.NotNull(await sut.Cache.GetAsync(key));
        sut.Clock.Advance(TimeSpan.FromMinutes(1)); // minute 25: the deadline, though the last use was a minute ago

        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task DefaultSlidingExpiration_AppliesWhenNoExpirationIsGiven()
    {
        using var sut = table.CreateCache(o => o.DefaultSlidingExpiration = TimeSpan.FromMinutes(3));
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], s_noExpiry);

        sut.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.NotNull(await sut.Cache.GetAsync(key));
        sut.Clock.Advance(TimeSpan.FromMinutes(3));

        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task Refresh_MissingOrExpiredKey_DoesNothing()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) });
        sut.Clock.Advance(TimeSpan.FromMinutes(2));

        await sut.Cache.RefreshAsync(key);
        await sut.Cache.RefreshAsync(NewKey());

        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task LastActive_IsWrittenOnSetAndWhenRefreshExtendsTheExpiry()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        var id = Keys.StoredId.Digest(key);
        var sql = $"SELECT last_active FROM `{table.Table}` WHERE id = @id";

        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });
        Assert.Equal(sut.Clock.GetUtcNow().UtcDateTime, await table.ScalarAsync<DateTime>(sql, ("@id", id)));

        sut.Clock.Advance(TimeSpan.FromMinutes(7));
        await sut.Cache.RefreshAsync(key);
        Assert.Equal(sut.Clock.GetUtcNow().UtcDateTime, await table.ScalarAsync<DateTime>(sql, ("@id", id)));
    }

    [Fact]
    public async Task BufferPath_TryGetWritesIntoTheWriter_AndSetTakesAMultiSegmentSequence()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        var first = RandomNumberGenerator.GetBytes(3000);
        var second = RandomNumberGenerator.GetBytes(5000);
        var sequence = SequenceOf(first, second);
        Assert.False(sequence.IsSingleSegment);

        await sut.BufferCache.SetAsync(key, sequence, s_noExpiry);
        var writer = new ArrayBufferWriter<byte>();
        writer.Write(new byte[] { 0xAA }); // what is already in the writer stays in front
        var found = await sut.BufferCache.TryGetAsync(key, writer);

        Assert.True(found);
        Assert.Equal([0xAA, .. first, .. second], writer.WrittenSpan.ToArray());
    }

    [Fact]
    public void BufferPath_Synchronous_RoundTripsAndMissWritesNothing()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        var value = RandomNumberGenerator.GetBytes(100);

        sut.BufferCache.Set(key, new ReadOnlySequence<byte>(value.AsMemory(10, 50)), s_noExpiry);
        var writer = new ArrayBufferWriter<byte>();
        var missWriter = new ArrayBufferWriter<byte>();

        Assert.True(sut.BufferCache.TryGet(key, writer));
        Assert.Equal(value.AsSpan(10, 50).ToArray(), writer.WrittenSpan.ToArray());
        Assert.False(sut.BufferCache.TryGet(NewKey(), missWriter));
        Assert.Equal(0, missWriter.WrittenCount);
    }

    [Fact]
    public async Task ConcurrentWriters_ToOneKey_AllSucceedAndTheLastValueIsOneThatWasWritten()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        var values = Enumerable.Range(0, 16).Select(i => RandomNumberGenerator.GetBytes(512 + i)).ToArray();

        await Task.WhenAll(values.Select(value => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
            {
                await sut.Cache.SetAsync(key, value, s_noExpiry);
                Assert.NotNull(await sut.Cache.GetAsync(key));
            }
        })));

        var final = await sut.Cache.GetAsync(key);
        Assert.Contains(values, v => v.AsSpan().SequenceEqual(final));
    }

    [Fact]
    public async Task ChangeKeyAsync_MovesTheEntry_TheOldKeyLoadsNothing()
    {
        using var sut = table.CreateCache();
        var dbi = Assert.IsType<DbiSessionCache>(sut.Cache);
        var (oldKey, newKey) = (NewKey(), NewKey());
        await sut.Cache.SetAsync(oldKey, [1, 2, 3], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });

        Assert.True(await dbi.ChangeKeyAsync(oldKey, newKey));

        Assert.Null(await sut.Cache.GetAsync(oldKey));
        Assert.Equal([1, 2, 3], await sut.Cache.GetAsync(newKey));
        sut.Clock.Advance(TimeSpan.FromMinutes(5)); // the expiration moved with the entry
        Assert.Null(await sut.Cache.GetAsync(newKey));
    }

    [Fact]
    public async Task ChangeKeyAsync_MissingEntry_ReturnsFalse_AndATakenKeyIsRefused()
    {
        using var sut = table.CreateCache();
        var dbi = Assert.IsType<DbiSessionCache>(sut.Cache);
        var (first, second) = (NewKey(), NewKey());
        await sut.Cache.SetAsync(first, [1], s_noExpiry);
        await sut.Cache.SetAsync(second, [2], s_noExpiry);

        Assert.False(await dbi.ChangeKeyAsync(NewKey(), NewKey()));
        var exception = await Assert.ThrowsAsync<MySqlConnector.MySqlException>(() => dbi.ChangeKeyAsync(first, second));

        Assert.Equal(MySqlConnector.MySqlErrorCode.DuplicateKeyEntry, exception.ErrorCode);
        Assert.Equal([1], await sut.Cache.GetAsync(first));
        Assert.Equal([2], await sut.Cache.GetAsync(second));
    }

    [Fact]
    public async Task CanceledToken_ThrowsAndWritesNothing()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        await sut.Cache.GetAsync(NewKey()); // bind the table first, so the cancellation meets a real statement
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.Cache.SetAsync(key, [1], s_noExpiry, canceled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.Cache.GetAsync(key, canceled.Token));

        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposedException()
    {
        var sut = table.CreateCache();
        var cache = sut.Cache;
        await cache.SetAsync(NewKey(), [1], s_noExpiry);

        sut.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => cache.GetAsync(NewKey()));
    }

    internal static ReadOnlySequence<byte> SequenceOf(params byte[][] parts)
    {
        var first = new Segment(parts[0], 0);
        var last = first;
        foreach (var part in parts.Skip(1))
        {
            last = last.Append(part);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
