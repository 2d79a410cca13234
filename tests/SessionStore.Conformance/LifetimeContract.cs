using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Conformance;

/// <summary>A canceled operation writes nothing; a disposed cache says so.</summary>
public abstract class LifetimeContract(ICacheHarness harness)
{
    private static string NewKey() => Guid.NewGuid().ToString();

    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    [Fact]
    public async Task CanceledToken_ThrowsAndWritesNothing()
    {
        using var sut = harness.Create();
        var key = NewKey();
        await sut.Cache.GetAsync(NewKey()); // warm up first (a MySQL cache binds its table), so the cancellation meets a real operation
        using var canceled = new CancellationTokenSource();
        await canceled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.Cache.SetAsync(key, [1], s_noExpiry, canceled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => sut.Cache.GetAsync(key, canceled.Token));

        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task Dispose_ThenUse_ThrowsObjectDisposedException()
    {
        var sut = harness.Create();
        var cache = sut.Cache;
        await cache.SetAsync(NewKey(), [1], s_noExpiry);

        sut.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => cache.GetAsync(NewKey()));
    }
}
