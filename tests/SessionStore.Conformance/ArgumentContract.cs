using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Conformance;

/// <summary><see langword="null"/> arguments are refused with <see cref="ArgumentNullException"/> naming the parameter.</summary>
public abstract class ArgumentContract(ICacheHarness harness)
{
    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    [Fact]
    public async Task NullArguments_ThrowArgumentNullException()
    {
        using var sut = harness.Create();

        await Assert.ThrowsAsync<ArgumentNullException>("key", () => sut.Cache.GetAsync(null!));
        await Assert.ThrowsAsync<ArgumentNullException>("value", () => sut.Cache.SetAsync("k", null!, s_noExpiry));
        await Assert.ThrowsAsync<ArgumentNullException>("options", () => sut.Cache.SetAsync("k", [], null!));
        Assert.Throws<ArgumentNullException>("key", () => sut.Cache.Refresh(null!));
        Assert.Throws<ArgumentNullException>("key", () => sut.Cache.Remove(null!));
        Assert.Throws<ArgumentNullException>("destination", () => sut.BufferCache.TryGet("k", null!));
    }
}
