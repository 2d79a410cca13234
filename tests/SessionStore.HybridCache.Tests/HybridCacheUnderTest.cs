using Microsoft.Extensions.DependencyInjection;

namespace SessionStore.HybridCache.Tests;

/// <summary>One HybridCache (its own L1) over the shared table, and the recorder of its L2 calls.</summary>
internal sealed class HybridCacheUnderTest(ServiceProvider provider, Microsoft.Extensions.Caching.Hybrid.HybridCache cache, RecordingBufferCache l2) : IAsyncDisposable
{
    public Microsoft.Extensions.Caching.Hybrid.HybridCache Cache => cache;

    public RecordingBufferCache L2 => l2;

    /// <summary>Asserts that the L2 never failed, and that only the buffer API of <see cref="Microsoft.Extensions.Caching.Distributed.IBufferDistributedCache"/> was used.</summary>
    public void AssertBufferApiOnly()
    {
        Assert.Empty(l2.Failures);
        foreach (var member in RecordingBufferCache.ByteArrayMembers)
        {
            Assert.True(l2.CallsTo(member) == 0, $"HybridCache called {member} {l2.CallsTo(member)} times; calls: {string.Join(", ", l2.Calls.Select(c => $"{c.Key} x{c.Value}"))}");
        }
    }

    public ValueTask DisposeAsync() => provider.DisposeAsync();
}
