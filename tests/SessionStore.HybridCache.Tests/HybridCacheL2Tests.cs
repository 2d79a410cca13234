using System.Buffers;
using Microsoft.Extensions.Caching.Hybrid;

namespace SessionStore.HybridCache.Tests;

/// <summary>
/// HybridCache with DbiSessionCache as its L2, against a real server. Each HybridCache below has an L1 of its own, so a
/// value that one of them returns without calling its factory came out of the table.
/// </summary>
public sealed class HybridCacheL2Tests(HybridCacheFixture fixture) : IClassFixture<HybridCacheFixture>
{
    // Everything a key or tag must survive on its way into SQL and back: quotes, a backtick, a backslash, LIKE wildcards,
    // a semicolon, non-ASCII letters, CJK, an emoji (a surrogate pair: 4 bytes of UTF-8), and more than 1000 characters.
    private static readonly string s_awkward = "'\"`\\%_; DROP TABLE sessions; -- Grüße, naïve café, 日本語のキー, 🔑🧁 ";

    [Fact]
    public async Task GetOrCreate_InAHybridCacheWithAnEmptyL1_ReturnsTheValueAnotherOneStored()
    {
        var key = "product:" + Guid.NewGuid();

        await using (var first = fixture.CreateHybridCache())
        {
            Assert.Equal("espresso", await first.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("espresso")));
            await first.L2.WrittenAsync(key);
            first.AssertBufferApiOnly();
        }

        await using var second = fixture.CreateHybridCache();
        var factoryCalls = 0;
        var value = await second.Cache.GetOrCreateAsync(key, _ => { factoryCalls++; return ValueTask.FromResult("brewed again"); });

        Assert.Equal("espresso", value);
        Assert.Equal(0, factoryCalls);
        Assert.Contains(key, second.L2.Hits);
        second.AssertBufferApiOnly();
    }

    [Fact]
    public async Task Set_ThenGetInAnotherHybridCache_UsesOnlyTheBufferApiOfTheL2()
    {
        var key = "order:" + Guid.NewGuid();
        var order = new Order(42, "Ada", [new OrderLine("espresso", 2), new OrderLine("croissant", 1)]);

        await using var writer = fixture.CreateHybridCache();
        await writer.Cache.SetAsync(key, order);

        await using var reader = fixture.CreateHybridCache();
        var read = await reader.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult<Order?>(null));

        Assert.Equal(order.Id, read?.Id);
        Assert.Equal(order.Lines, read?.Lines);
        Assert.True(writer.L2.CallsTo(RecordingBufferCache.SetSequenceAsync) > 0, "HybridCache did not write through SetAsync(ReadOnlySequence)");
        Assert.True(reader.L2.CallsTo(RecordingBufferCache.TryGetBufferAsync) > 0, "HybridCache did not read through TryGetAsync(IBufferWriter)");
        writer.AssertBufferApiOnly();
        reader.AssertBufferApiOnly();
    }

    [Fact]
    public async Task Set_WithALongKeyOfArbitraryCharacters_RoundTripsThroughTheTable()
    {
        var key = string.Concat(Enumerable.Repeat(s_awkward, 20)) + Guid.NewGuid();
        Assert.True(key.Length > 1000);
        var value = string.Concat(Enumerable.Repeat("Ünïcödé ✓ 🍰 ", 5000)); // ~70 KB, spanning several buffer segments

        await using (var writer = fixture.CreateHybridCache())
        {
            await writer.Cache.SetAsync(key, value);
            writer.AssertBufferApiOnly();
        }

        await using var reader = fixture.CreateHybridCache();
        var read = await reader.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("not from the table"));

        Assert.Equal(value, read);
        reader.AssertBufferApiOnly();
    }

    [Fact]
    public async Task RemoveByTag_WithLongTagsOfArbitraryCharacters_HidesTheEntryFromHybridCachesWithAnEmptyL1()
    {
        var id = Guid.NewGuid().ToString();
        var key = "cart:" + s_awkward + id;
        var tag = string.Concat(Enumerable.Repeat(s_awkward, 30)) + id;          // ~2000 characters
        var otherTag = "customer/\"O'Brien\" `x` — 顧客 🛒 " + id;
        Assert.True(tag.Length > 1000);
        string[] tags = [tag, otherTag];

        await using var app = fixture.CreateHybridCache();
        await app.Cache.SetAsync(key, "three espressos", tags: tags);

        // Before the invalidation another instance reads the entry: its tags were looked up in the table (found in none) and
        // did not make it invalid. A failed tag lookup would have (HybridCache treats it as "invalidated just now").
        await using (var before = fixture.CreateHybridCache())
        {
            Assert.Equal("three espressos", await before.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("recomputed")));
            before.AssertBufferApiOnly();
        }

        await app.Cache.RemoveByTagAsync(tag);

        // The invalidation is a row of its own: an 8-byte timestamp under a key HybridCache derives from the tag.
        var tagKey = Assert.Single(app.L2.WrittenKeys, k => k != key && k.EndsWith(tag, StringComparison.Ordinal));
        var timestamp = new ArrayBufferWriter<byte>();
        Assert.True(await app.L2.Inner.TryGetAsync(tagKey, timestamp));
        Assert.Equal(sizeof(long), timestamp.WrittenCount);

        // (Without writing the recomputed value back: that background write could land after the next SetAsync.)
        await using (var after = fixture.CreateHybridCache())
        {
            Assert.Equal("recomputed", await after.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("recomputed"),
                new HybridCacheEntryOptions { Flags = HybridCacheEntryFlags.DisableDistributedCacheWrite }, tags));
            after.AssertBufferApiOnly();
        }

        // A value stored after the invalidation, with the same tags, is valid again: the timestamp was read back intact (an
        // unreadable one would invalidate everything carrying the tag, this too).
        await app.Cache.SetAsync(key, "two lattes", tags: tags);
        await using (var later = fixture.CreateHybridCache())
        {
            Assert.Equal("two lattes", await later.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("recomputed")));
            later.AssertBufferApiOnly();
        }

        app.AssertBufferApiOnly();
    }

    [Fact]
    public async Task RemoveByTag_ForAnotherTag_LeavesTheEntryVisible()
    {
        var id = Guid.NewGuid().ToString();
        var key = "menu:" + id;

        await using var app = fixture.CreateHybridCache();
        await app.Cache.SetAsync(key, "flat white", tags: ["drinks 🍵 " + id]);
        await app.Cache.RemoveByTagAsync("drinks 🍵 " + id + " (seasonal)");

        await using var other = fixture.CreateHybridCache();
        Assert.Equal("flat white", await other.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("recomputed")));
        other.AssertBufferApiOnly();
        app.AssertBufferApiOnly();
    }

    [Fact]
    public async Task Remove_DeletesTheRowSoAHybridCacheWithAnEmptyL1CallsItsFactory()
    {
        var key = "coupon:" + Guid.NewGuid();

        await using var app = fixture.CreateHybridCache();
        await app.Cache.SetAsync(key, "10% off");
        await app.Cache.RemoveAsync(key);

        Assert.Null(await app.L2.Inner.GetAsync(key));
        await using var other = fixture.CreateHybridCache();
        Assert.Equal("recomputed", await other.Cache.GetOrCreateAsync(key, _ => ValueTask.FromResult("recomputed")));
        Assert.Equal(1, app.L2.CallsTo(RecordingBufferCache.RemoveKeyAsync));
        app.AssertBufferApiOnly();
    }

    public sealed record Order(int Id, string Customer, IReadOnlyList<OrderLine> Lines);

    public sealed record OrderLine(string Product, int Quantity);
}
