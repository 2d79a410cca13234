using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.IntegrationTests.Coalescing;

/// <summary>
/// The README's promise for a Refresh, whatever this process remembers of earlier reads: after a Refresh at r, an entry
/// whose sliding window is W lives at least until r + W × (1 − threshold), and at most until r + W. What a cache
/// remembers of an entry it read (to skip the Refresh right after its own Get) is stale once another server rewrites the
/// entry with another window; the Refresh must not be skipped on the strength of the old window.
/// </summary>
public sealed class RefreshAfterRewriteTests(CoalescingDatabaseFixture database) : IClassFixture<CoalescingDatabaseFixture>
{
    private static readonly DistributedCacheEntryOptions s_twentyMinutes = new() { SlidingExpiration = TimeSpan.FromMinutes(20) };
    private static readonly DistributedCacheEntryOptions s_oneSecond = new() { SlidingExpiration = TimeSpan.FromSeconds(1) };

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RefreshByACacheThatReadTheOldWindow_KeepsTheRewrittenEntryForItsNewWindow(bool coalesce)
    {
        // Two servers of a farm on one table; their clocks agree (both start at the same instant and move together).
        using var a = database.CreateCache(o => o.CoalesceOperations = coalesce);
        using var b = database.CreateCache(o => o.CoalesceOperations = coalesce);
        Assert.Equal(a.Clock.GetUtcNow(), b.Clock.GetUtcNow());
        void Advance(TimeSpan by)
        {
            a.Clock.Advance(by);
            b.Clock.Advance(by);
        }

        // Two entries go through the same story; the first is read back inside the promised lifetime, the second after it.
        var prefix = Guid.NewGuid().ToString("N");
        string[] keys = [$"{prefix}:lower-bound", $"{prefix}:upper-bound"];
        foreach (var key in keys)
        {
            await b.Cache.SetAsync(key, [1], s_twentyMinutes);
            Assert.Equal([1], await a.Cache.GetAsync(key)); // A now remembers a 20-minute window
            await b.Cache.SetAsync(key, [2], s_oneSecond);  // B rewrites the entry with a 1-second window
        }

        Advance(TimeSpan.FromSeconds(0.5));
        var refreshedAt = a.Clock.GetUtcNow();
        foreach (var key in keys)
        {
            // Half the new window has passed since B's write: far past the threshold (0.1 × 1 s), so this Refresh is due.
            await a.Cache.RefreshAsync(key);
        }

        // At least r + W × (1 − 0.1) = r + 0.9 s: still there at r + 0.8 s (the entry as B wrote it would end at r + 0.5 s).
        Advance(TimeSpan.FromSeconds(0.8));
        Assert.True(
            await b.Cache.GetAsync(keys[0]) is [2],
            $"The entry refreshed at {refreshedAt:O} with a 1 s window was gone at {b.Clock.GetUtcNow():O}: the Refresh was skipped or did not extend it");

        // At most r + W = r + 1 s: gone at r + 1.1 s.
        Advance(TimeSpan.FromSeconds(0.3));
        Assert.Null(await b.Cache.GetAsync(keys[1]));
    }
}
