using System.Text;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Conformance;

/// <summary>Keys of any length and alphabet are distinct entries, exactly as given; a key with no UTF-8 form is refused.</summary>
public abstract class KeyContract(ICacheHarness harness)
{
    private static string NewKey() => Guid.NewGuid().ToString();

    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    // Built here, not in attributes: xunit serializes theory data, which replaces lone surrogates with U+FFFD.
    private static readonly string[] s_malformedKeys = ["lone high \uD800 surrogate", "\uDC00 lone low surrogate", "ends with high \uD83D"];

    [Fact]
    public async Task Keys_DifferingOnlyInCase_AreDifferentEntries()
    {
        using var sut = harness.Create();
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
        using var sut = harness.Create();
        var key = prefix.Length == 0 ? "" : prefix + NewKey();

        await sut.Cache.SetAsync(key, Encoding.UTF8.GetBytes(key), s_noExpiry);

        Assert.Equal(Encoding.UTF8.GetBytes(key), await sut.Cache.GetAsync(key));
        await sut.Cache.RemoveAsync(key);
    }

    [Fact]
    public async Task Keys_OfHybridCacheLength_RoundTripAndAreNotConfused()
    {
        using var sut = harness.Create();
        var prefix = new string('k', 1023) + NewKey();

        await sut.Cache.SetAsync(prefix + "a", [1], s_noExpiry);
        await sut.Cache.SetAsync(prefix + "b", [2], s_noExpiry);

        Assert.Equal([1], await sut.Cache.GetAsync(prefix + "a"));
        Assert.Equal([2], await sut.Cache.GetAsync(prefix + "b"));
    }

    [Fact]
    public async Task HugeKey_IsStoredByDigest()
    {
        using var sut = harness.Create();
        var key = new string('k', 1_000_000) + Guid.NewGuid();

        await sut.Cache.SetAsync(key, [1], s_noExpiry);

        Assert.Equal([1], await sut.Cache.GetAsync(key));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(2)]
    public async Task KeyThatIsNotWellFormedUtf16_IsRefusedBeforeAnyWrite(int which)
    {
        var key = s_malformedKeys[which];
        using var sut = harness.Create();
        await sut.Cache.GetAsync("bind"); // warm up first (a MySQL cache binds its table), so the count below compares like with like
        var before = await sut.CountStoredEntriesAsync();

        var set = await Assert.ThrowsAsync<ArgumentException>(nameof(key), () => sut.Cache.SetAsync(key, [1], s_noExpiry));
        await Assert.ThrowsAsync<ArgumentException>(nameof(key), () => sut.Cache.GetAsync(key));

        Assert.Contains("unpaired surrogate", set.Message, StringComparison.Ordinal);
        Assert.Equal(before, await sut.CountStoredEntriesAsync());
    }
}
