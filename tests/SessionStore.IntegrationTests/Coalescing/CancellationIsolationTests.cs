using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.IntegrationTests.Coalescing;

/// <summary>
/// One caller's cancellation is that caller's alone: when its operation shares a statement with others, cancelling it may
/// end its own call, never theirs, and never makes another caller read a wrong value or lose a write.
/// </summary>
public sealed class CancellationIsolationTests(CoalescingDatabaseFixture database) : IClassFixture<CoalescingDatabaseFixture>
{
    private const int BurstSize = 60;
    private const int Rounds = 12;

    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    private static byte[] ValueOf(int round, int index) => [(byte)round, (byte)index, 0xC4];

    [Theory]
    [InlineData(true, 64, 4)]
    [InlineData(true, 8, 2)]
    [InlineData(false, 64, 4)]
    public async Task CancellingOneCaller_LeavesEveryOtherGetAndSetOfTheBurstCorrect(bool coalesce, int maxBatchSize, int connections)
    {
        using var sut = database.CreateCache(o =>
        {
            o.CoalesceOperations = coalesce;
            o.MaxBatchSize = maxBatchSize;
            o.CoalescingConnections = connections;
        });
        var prefix = Guid.NewGuid().ToString("N");
        string Key(int index) => $"{prefix}:{index}";

        // Even indices are read, odd ones written; every key holds the value of the round before.
        for (var i = 0; i < BurstSize; i++)
        {
            await sut.Cache.SetAsync(Key(i), ValueOf(0, i), s_noExpiry);
        }

        for (var round = 1; round <= Rounds; round++)
        {
            // Two callers of the burst cancel: one comes with a token cancelled already, one cancels right after its call
            // has been issued (while it waits for, or rides in, a statement). They move through the burst, and alternate
            // between a Get and a Set.
            var alreadyCancelled = (round * 7) % BurstSize;
            var cancelledLater = ((round * 13) + 31) % BurstSize; // never alreadyCancelled: the two differ in parity
            using var cancelledBefore = new CancellationTokenSource();
            await cancelledBefore.CancelAsync();
            using var cancelledAfter = new CancellationTokenSource();
            var written = new bool[BurstSize];
            var read = new byte[]?[BurstSize];
            var current = round;

            var outcomes = await Burst.RunAsync(BurstSize, async i =>
            {
                var token = i == alreadyCancelled ? cancelledBefore.Token : i == cancelledLater ? cancelledAfter.Token : CancellationToken.None;
                if (i % 2 == 0)
                {
                    var get = sut.Cache.GetAsync(Key(i), token);
                    if (i == cancelledLater)
                    {
                        await cancelledAfter.CancelAsync();
                    }

                    read[i] = await get;
                }
                else
                {
                    var set = sut.Cache.SetAsync(Key(i), ValueOf(current, i), s_noExpiry, token);
                    if (i == cancelledLater)
                    {
                        await cancelledAfter.CancelAsync();
                    }

                    await set;
                    written[i] = true;
                }
            });

            Assert.IsAssignableFrom<OperationCanceledException>(outcomes[alreadyCancelled]);

            // The call cancelled late may have finished first; if it did, its result is as correct as anyone's.
            Assert.True(
                outcomes[cancelledLater] is null or OperationCanceledException,
                $"Round {round}: the call cancelled after it was issued failed with {outcomes[cancelledLater]}");

            for (var i = 0; i < BurstSize; i++)
            {
                if (i == alreadyCancelled || (i == cancelledLater && outcomes[i] is not null))
                {
                    continue;
                }

                Assert.True(outcomes[i] is null, $"Round {round}: call {i} failed beside the cancelled ones: {outcomes[i]}");
                if (i % 2 == 0)
                {
                    Assert.Equal(ValueOf(0, i), read[i]);
                }
                else
                {
                    Assert.True(written[i]);
                    Assert.Equal(ValueOf(round, i), await sut.Cache.GetAsync(Key(i)));
                }
            }

            // A cancelled Set either happened or did not: the key holds the new value or the one before, nothing else.
            foreach (var cancelled in new[] { alreadyCancelled, cancelledLater })
            {
                if (cancelled % 2 == 1 && outcomes[cancelled] is not null)
                {
                    var value = await sut.Cache.GetAsync(Key(cancelled));
                    Assert.True(
                        value is [_, var index, 0xC4] && index == cancelled,
                        $"Round {round}: the cancelled Set {cancelled} left {(value is null ? "nothing" : Convert.ToHexString(value))}");
                }
            }
        }
    }
}
