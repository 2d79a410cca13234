using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Conformance;

/// <summary>
/// The promise of lazy sliding (threshold 0.1 by default): an idle entry expires between window × 0.9 and window after its
/// last use; an entry in use never expires; absolute deadlines are never exceeded; a read before the threshold writes
/// nothing.
/// </summary>
public abstract class LazySlidingContract(ICacheHarness harness)
{
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(20);
    private static readonly DistributedCacheEntryOptions s_sliding = new() { SlidingExpiration = s_window };

    [Fact]
    public async Task EntryInUse_NeverExpires()
    {
        using var sut = harness.Create();
        var key = Guid.NewGuid().ToString();
        await sut.Cache.SetAsync(key, [1], s_sliding);
        var random = new Random(1234);

        // Uses at random intervals up to just under window × (1 − threshold) = 18 minutes, for a simulated two days.
        for (var i = 0; i < 200; i++)
        {
            sut.Clock.Advance(TimeSpan.FromSeconds(random.Next(1, 18 * 60)));
            if (i % 3 == 0)
            {
                await sut.Cache.RefreshAsync(key);
            }
            else
            {
                Assert.Equal([1], await sut.Cache.GetAsync(key));
            }
        }
    }

    [Fact]
    public async Task IdleEntry_ExpiresWithinTheStatedBandAfterItsLastUse()
    {
        using var sut = harness.Create();
        var random = new Random(99);
        for (var trial = 0; trial < 25; trial++)
        {
            var key = Guid.NewGuid().ToString();
            await sut.Cache.SetAsync(key, [1], s_sliding);
            for (var uses = random.Next(0, 6); uses > 0; uses--)
            {
                sut.Clock.Advance(TimeSpan.FromSeconds(random.Next(1, 18 * 60)));
                if (random.Next(2) == 0)
                {
                    Assert.NotNull(await sut.Cache.GetAsync(key));
                }
                else
                {
                    await sut.Cache.RefreshAsync(key);
                }
            }

            var lastUse = sut.Clock.GetUtcNow();
            var expiresAt = await sut.StoredExpiryAsync(key);

            Assert.InRange(expiresAt, lastUse + (s_window * 0.9), lastUse + s_window);
            sut.Clock.Advance(s_window);
            Assert.Null(await sut.Cache.GetAsync(key));
        }
    }

    [Fact]
    public async Task SlidingWithDeadline_UseNeverPassesTheDeadline()
    {
        using var sut = harness.Create();
        var key = Guid.NewGuid().ToString();
        var deadline = sut.Clock.GetUtcNow().AddHours(1);
        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions
        {
            SlidingExpiration = s_window,
            AbsoluteExpiration = deadline,
        });

        while (sut.Clock.GetUtcNow() < deadline)
        {
            Assert.NotNull(await sut.Cache.GetAsync(key));
            Assert.True(await sut.StoredExpiryAsync(key) <= deadline);
            sut.Clock.Advance(TimeSpan.FromMinutes(5));
        }

        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task Get_BeforeTheThreshold_WritesNothing_AndAfterIt_ExtendsOnce()
    {
        using var sut = harness.Create();
        var key = Guid.NewGuid().ToString();
        var written = sut.Clock.GetUtcNow();
        await sut.Cache.SetAsync(key, [1], s_sliding);

        sut.Clock.Advance(TimeSpan.FromMinutes(1)); // 5% of the window
        Assert.NotNull(await sut.Cache.GetAsync(key));
        Assert.Equal(written + s_window, await sut.StoredExpiryAsync(key));

        sut.Clock.Advance(TimeSpan.FromMinutes(1.5)); // 12.5%: past the threshold
        Assert.NotNull(await sut.Cache.GetAsync(key));
        Assert.Equal(sut.Clock.GetUtcNow() + s_window, await sut.StoredExpiryAsync(key));
    }

    [Fact]
    public async Task ThresholdZero_ExtendsOnEveryRead()
    {
        using var sut = harness.Create(o => o.SlidingExtensionThreshold = 0);
        var key = Guid.NewGuid().ToString();
        await sut.Cache.SetAsync(key, [1], s_sliding);

        sut.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(await sut.Cache.GetAsync(key));

        Assert.Equal(sut.Clock.GetUtcNow() + s_window, await sut.StoredExpiryAsync(key));
    }
}
