using System.Buffers;
using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Conformance;

/// <summary>Values come back byte for byte through every API: async, sync and buffer, empty and large, overwritten,
/// removed, and under concurrent writers.</summary>
public abstract class RoundTripContract(ICacheHarness harness)
{
    private static string NewKey() => Guid.NewGuid().ToString();

    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    [Theory]
    [InlineData(0)]
    [InlineData(1024)]
    [InlineData(64 * 1024)]
    public async Task SetAsync_ThenGetAsync_ReturnsTheSameBytes(int size)
    {
        using var sut = harness.Create();
        var key = NewKey();
        var value = RandomNumberGenerator.GetBytes(size);

        await sut.Cache.SetAsync(key, value, s_noExpiry);

        Assert.Equal(value, await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task SetAsync_ThenGetAsync_ALargeValue_ReturnsTheSameBytes()
    {
        using var sut = harness.Create();
        var key = NewKey();
        var value = RandomNumberGenerator.GetBytes(harness.LargeValueLength);

        await sut.Cache.SetAsync(key, value, s_noExpiry);

        Assert.Equal(value, await sut.Cache.GetAsync(key));
    }

    [Fact]
    public void Set_ThenGet_Synchronously_ReturnsTheSameBytes()
    {
        using var sut = harness.Create();
        var key = NewKey();
        var value = RandomNumberGenerator.GetBytes(4000);

        sut.Cache.Set(key, value, s_noExpiry);

        Assert.Equal(value, sut.Cache.Get(key));
    }

    [Fact]
    public async Task GetAsync_MissingKey_ReturnsNull()
    {
        using var sut = harness.Create();

        Assert.Null(await sut.Cache.GetAsync(NewKey()));
        Assert.Null(sut.Cache.Get(NewKey()));
    }

    [Fact]
    public async Task SetAsync_EmptyValue_IsAValueNotAMiss()
    {
        using var sut = harness.Create();
        var key = NewKey();

        await sut.Cache.SetAsync(key, [], s_noExpiry);

        var read = await sut.Cache.GetAsync(key);
        Assert.NotNull(read);
        Assert.Empty(read);
    }

    [Fact]
    public async Task SetAsync_Twice_TheSecondValueWins()
    {
        using var sut = harness.Create();
        var key = NewKey();

        await sut.Cache.SetAsync(key, [1, 2, 3], s_noExpiry);
        await sut.Cache.SetAsync(key, [4, 5], s_noExpiry);

        Assert.Equal([4, 5], await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task RemoveAsync_DeletesTheEntry_AndAMissingKeyIsFine()
    {
        using var sut = harness.Create();
        var key = NewKey();
        await sut.Cache.SetAsync(key, [1], s_noExpiry);

        await sut.Cache.RemoveAsync(key);
        sut.Cache.Remove(key);
        await sut.Cache.RemoveAsync(NewKey());

        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task BufferPath_TryGetWritesIntoTheWriter_AndSetTakesAMultiSegmentSequence()
    {
        using var sut = harness.Create();
        var key = NewKey();
        var first = RandomNumberGenerator.GetBytes(3000);
        var second = RandomNumberGenerator.GetBytes(5000);
        var sequence = ChainedSegment.SequenceOf(first, second);
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
        using var sut = harness.Create();
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
        using var sut = harness.Create();
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
}
