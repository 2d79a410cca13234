using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Conformance;

/// <summary>
/// Absolute (relative or fixed), sliding, both, and the default window, on the cache's clock; expired entries are never
/// returned even while the store still holds them; an expiration not in the future, or past the year 9999, is refused
/// before anything is written.
/// </summary>
public abstract class ExpirationContract(ICacheHarness harness)
{
    private static string NewKey() => Guid.NewGuid().ToString();

    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    [Fact]
    public async Task AbsoluteExpiration_EntryIsGoneAtTheDeadline_EvenThoughTheRowRemains()
    {
        using var sut = harness.Create();
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });

        sut.Clock.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromMilliseconds(1));
        Assert.Equal([1], await sut.Cache.GetAsync(key));

        sut.Clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Null(await sut.Cache.GetAsync(key));
        Assert.Null(sut.Cache.Get(key));
        Assert.True(await sut.IsStoredAsync(key));
    }

    [Fact]
    public async Task AbsoluteExpiration_FixedInstant_IsHonoured()
    {
        using var sut = harness.Create();
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
        using var sut = harness.Create();
        var key = NewKey();

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sut.Cache.SetAsync(
            key, [1], new DistributedCacheEntryOptions { AbsoluteExpiration = sut.Clock.GetUtcNow().AddSeconds(-1) }));

        Assert.Contains("must be in the future", exception.Message, StringComparison.Ordinal);
        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task ExpirationInThePast_IsRefused_AndTheOldValueStays()
    {
        using var sut = harness.Create();
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], s_noExpiry);

        var exception = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => sut.Cache.SetAsync(
            key, [2], new DistributedCacheEntryOptions { AbsoluteExpiration = sut.Clock.GetUtcNow().AddDays(-1) }));

        Assert.Contains("must be in the future", exception.Message, StringComparison.Ordinal);
        Assert.Equal([1], await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task ExpirationFarBeyondYear9999_IsRefused_AndTheOldValueStays()
    {
        using var sut = harness.Create();
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], s_noExpiry);

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            sut.Cache.SetAsync(key, [2], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.MaxValue }));
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() =>
            sut.Cache.SetAsync(key, [2], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromDays(3_000_000) }));

        Assert.Equal([1], await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task SlidingExpiration_ReadsKeepTheEntryAlive_IdlenessEndsIt()
    {
        using var sut = harness.Create();
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
        using var sut = harness.Create();
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
        using var sut = harness.Create();
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
        using var sut = harness.Create(o => o.DefaultSlidingExpiration = TimeSpan.FromMinutes(3));
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
        using var sut = harness.Create();
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) });
        sut.Clock.Advance(TimeSpan.FromMinutes(2));

        await sut.Cache.RefreshAsync(key);
        await sut.Cache.RefreshAsync(NewKey());

        Assert.Null(await sut.Cache.GetAsync(key));
    }
}
