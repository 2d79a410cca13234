using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.IntegrationTests.Coalescing;

/// <summary>
/// Order per key: an operation that starts after another on the same key has completed sees its effect, however many other
/// operations are in flight and whichever statements they share. A Get after a Set reads that Set's value; a Get after a
/// Remove reads nothing; a Set after a Remove is stored again.
/// </summary>
public sealed class PerKeyOrderingTests(CoalescingDatabaseFixture database) : IClassFixture<CoalescingDatabaseFixture>
{
    private const int Workers = 48;
    private const int Iterations = 40;

    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    [Theory]
    [InlineData(true, 64, 4)]
    [InlineData(true, 8, 2)]
    [InlineData(false, 64, 4)]
    public async Task EachWorker_ReadsItsOwnLastWrite_UnderHeavyConcurrency(bool coalesce, int maxBatchSize, int connections)
    {
        using var sut = database.CreateCache(o =>
        {
            o.CoalesceOperations = coalesce;
            o.MaxBatchSize = maxBatchSize;
            o.CoalescingConnections = connections;
        });
        await sut.Cache.GetAsync("bind"); // the table's shape is read once, before the load: a first-use storm is not under test
        var prefix = Guid.NewGuid().ToString("N");

        async Task WorkAsync(int worker)
        {
            // Two keys per worker: the workers' operations interleave on the table, and each worker's on its own keys too.
            string[] keys = [$"{prefix}:{worker}:a", $"{prefix}:{worker}:b"];
            for (var n = 1; n <= Iterations; n++)
            {
                var key = keys[n % 2];
                byte[] value = [(byte)worker, (byte)n, (byte)(n >> 8)];
                await sut.Cache.SetAsync(key, value, s_noExpiry);
                var read = await sut.Cache.GetAsync(key);
                Assert.True(
                    read is not null && read.AsSpan().SequenceEqual(value),
                    $"Worker {worker}, iteration {n}: Get after Set read {(read is null ? "nothing" : Convert.ToHexString(read))}, not {Convert.ToHexString(value)}");

                if (n % 5 == 0)
                {
                    await sut.Cache.RemoveAsync(key);
                    Assert.Null(await sut.Cache.GetAsync(key));
                    await sut.Cache.RefreshAsync(key); // a Refresh of a removed entry brings nothing back
                    Assert.Null(await sut.Cache.GetAsync(key));
                }
            }
        }

        // Task.Run: every worker starts on its own, so their operations arrive at the cache in every possible mix.
        await Task.WhenAll(Enumerable.Range(0, Workers).Select(worker => Task.Run(() => WorkAsync(worker))))
            .WaitAsync(TimeSpan.FromSeconds(90));
    }

    [Theory]
    [InlineData(true, 64, 4)]
    [InlineData(true, 8, 2)]
    [InlineData(false, 64, 4)]
    public async Task GetIssuedAfterAnotherCallersSetCompleted_SeesThatSet(bool coalesce, int maxBatchSize, int connections)
    {
        using var sut = database.CreateCache(o =>
        {
            o.CoalesceOperations = coalesce;
            o.MaxBatchSize = maxBatchSize;
            o.CoalescingConnections = connections;
        });
        await sut.Cache.GetAsync("bind"); // the table's shape is read once, before the load: a first-use storm is not under test
        var prefix = Guid.NewGuid().ToString("N");
        const int Keys = 40;

        // Writers and readers are different callers: each reader waits for its writer's Set to complete (not for the
        // burst), then reads; meanwhile the other writers' Sets and readers' Gets are in flight.
        for (var round = 0; round < 10; round++)
        {
            var current = round;
            var completed = Enumerable.Range(0, Keys).Select(_ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).ToArray();
            var writers = Burst.RunAsync(Keys, async i =>
            {
                await sut.Cache.SetAsync($"{prefix}:{i}", [(byte)current, (byte)i], s_noExpiry);
                completed[i].SetResult();
            });
            var readers = Burst.RunAsync(Keys, async i =>
            {
                await completed[i].Task;
                var read = await sut.Cache.GetAsync($"{prefix}:{i}");
                byte[] expected = [(byte)current, (byte)i];
                Assert.Equal(expected, read);
            });

            Assert.All(await writers, outcome => Assert.Null(outcome));
            Assert.All(await readers, outcome => Assert.Null(outcome));
        }
    }
}
