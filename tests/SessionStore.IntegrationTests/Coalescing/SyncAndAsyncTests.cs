using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.IntegrationTests.Coalescing;

/// <summary>
/// The synchronous members (the session middleware's <c>Load()</c> calls <c>Get</c>) and the asynchronous ones work side
/// by side: sync calls from many threads interleaved with async calls, on the same keys and on different ones, all
/// return what was stored, and none waits forever on a statement that the other kind was to send.
/// </summary>
public sealed class SyncAndAsyncTests(CoalescingDatabaseFixture database) : IClassFixture<CoalescingDatabaseFixture>
{
    private const int KeysPerSide = 64;

    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    // Generous: a wedged sync caller must fail the test, not hang it.
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(90);

    [Theory]
    [InlineData(true, 64, 4)]
    [InlineData(true, 8, 2)]
    [InlineData(true, 8, 1)]
    [InlineData(false, 64, 4)]
    public async Task SyncCallsFromThreads_AndAsyncCalls_Interleaved_AllReturnTheRightValues(bool coalesce, int maxBatchSize, int connections)
    {
        using var sut = database.CreateCache(o =>
        {
            o.CoalesceOperations = coalesce;
            o.MaxBatchSize = maxBatchSize;
            o.CoalescingConnections = connections;
        });
        await sut.Cache.GetAsync("bind"); // the table's shape is read once, before the load: a first-use storm is not under test
        var prefix = Guid.NewGuid().ToString("N");
        string SyncKey(int i) => $"{prefix}:sync:{i}";
        string AsyncKey(int i) => $"{prefix}:async:{i}";
        byte[] ValueOf(int side, int i, int round) => [(byte)side, (byte)i, (byte)round];
        // Eight threads blocked in sync calls at once: enough to interleave with the async side; more starves the thread
        // pool of a small machine (2 cores: 16 took 15 to 25 s, and made test classes running beside this one time out
        // connecting).
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = 8 };

        for (var round = 0; round < 5; round++)
        {
            var current = round;

            // Each side writes its keys and reads them back, the sync side with Set/Get from pool threads, at once.
            var syncSide = Task.Run(() => Parallel.For(0, KeysPerSide, parallel, i =>
            {
                sut.Cache.Set(SyncKey(i), ValueOf(1, i, current), s_noExpiry);
                Assert.Equal(ValueOf(1, i, current), sut.Cache.Get(SyncKey(i)));
                sut.Cache.Refresh(SyncKey(i));
            }));
            var asyncSide = Task.WhenAll(Enumerable.Range(0, KeysPerSide).Select(async i =>
            {
                await sut.Cache.SetAsync(AsyncKey(i), ValueOf(2, i, current), s_noExpiry);
                Assert.Equal(ValueOf(2, i, current), await sut.Cache.GetAsync(AsyncKey(i)));
                await sut.Cache.RefreshAsync(AsyncKey(i));
            }));
            await Task.WhenAll(syncSide, asyncSide).WaitAsync(s_timeout);

            // Then each side reads the other's keys: sync Gets of what async Sets wrote, async Gets of what sync Sets wrote,
            // while the sync side also rewrites the keys the async side will read next round.
            var syncReads = Task.Run(() => Parallel.For(0, KeysPerSide, parallel, i =>
            {
                Assert.Equal(ValueOf(2, i, current), sut.Cache.Get(AsyncKey(i)));
                sut.Cache.Set(AsyncKey(i), ValueOf(3, i, current), s_noExpiry);
                Assert.Equal(ValueOf(3, i, current), sut.Cache.Get(AsyncKey(i)));
            }));
            var asyncReads = Task.WhenAll(Enumerable.Range(0, KeysPerSide).Select(async i =>
            {
                Assert.Equal(ValueOf(1, i, current), await sut.Cache.GetAsync(SyncKey(i)));
                await sut.Cache.RemoveAsync(SyncKey(i));
                Assert.Null(await sut.Cache.GetAsync(SyncKey(i)));
            }));
            await Task.WhenAll(syncReads, asyncReads).WaitAsync(s_timeout);

            for (var i = 0; i < KeysPerSide; i++)
            {
                Assert.Equal(ValueOf(3, i, current), await sut.Cache.GetAsync(AsyncKey(i)));
                Assert.Null(sut.Cache.Get(SyncKey(i)));
            }
        }
    }
}
