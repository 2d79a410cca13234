using System.Diagnostics;
using CsCheck;
using SessionStore.IntegrationTests;

namespace SessionStore.FaultTests.Model;

/// <summary>
/// <see cref="ModelBasedTests"/> with coalescing under load: one cache, with small batches (at most 8 operations, 2
/// statements of a kind in flight) so that statements form, fill and split, is driven by 24 lanes at once. Each lane has
/// its own keys and its own <see cref="CacheModel"/>; the run goes in rounds, every lane performing its next operation
/// concurrently with the others, and the shared fake clock moves only between rounds, for all lanes (see
/// <see cref="LaneRun"/>). Every Get must agree with its lane's model. On a divergence the failure prints CsCheck's seed
/// that replays the run and the diverging lane's operations.
/// </summary>
public sealed class ConcurrentLanesModelTests(SessionTableFixture table, ITestOutputHelper output) : IClassFixture<SessionTableFixture>
{
    // About 0.4 s a run on a local server: well under a minute in all.
    private const int Runs = 40;

    private static readonly TimeSpan s_defaultSlidingExpiration = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ConcurrentLanesOnOneCoalescingCache_EachAgreeWithTheirOwnModel()
    {
        var runs = 0;
        var operations = 0;
        string? firstFailure = null;
        var gate = new Lock();
        var elapsed = Stopwatch.StartNew();
        async Task RunRecordedAsync(LaneRun run)
        {
            Interlocked.Increment(ref runs);
            Interlocked.Add(ref operations, run.Lanes.Sum(lane => lane.Length));
            try
            {
                await RunAsync(run);
            }
            catch (Exception exception)
            {
                lock (gate)
                {
                    firstFailure ??= exception.ToString();
                }

                throw;
            }
        }

        try
        {
            // One run at a time: each run is concurrent in itself, and the project's tests run one at a time.
            await Check.SampleAsync(LaneRun.Gen, RunRecordedAsync, iter: Runs, threads: 1, print: LaneRun.Print);
        }
        catch (CsCheckException divergence) when (firstFailure is not null)
        {
            // CsCheck's message starts with the seed that replays the run (CsCheck_Seed) and goes on with the smallest
            // failing run it found, all lanes of it: long, so it goes to the test's output. The first failure (of the first
            // failing run, not necessarily the one the seed replays) names the diverging lane and its operations up to there.
            output.WriteLine(divergence.Message);
            Assert.Fail(
                $"{divergence.Message.Split('\n')[0]}{Environment.NewLine}(the whole failing run is in the test's output){Environment.NewLine}" +
                $"First failure (of the first failing run):{Environment.NewLine}{firstFailure}");
        }

        output.WriteLine($"{runs} runs, {operations} operations in {elapsed.Elapsed.TotalSeconds:0.0} s, no divergence");
    }

    /// <summary>Runs one <see cref="LaneRun"/> on a cache of its own (own clock, own keys per lane); throws at the first divergence.</summary>
    private async Task RunAsync(LaneRun run)
    {
        using var sut = table.CreateCache(o =>
        {
            o.SlidingExtensionThreshold = 0;
            o.DefaultSlidingExpiration = s_defaultSlidingExpiration;
            o.CoalesceOperations = true;
            o.MaxBatchSize = 8;
            o.CoalescingConnections = 2;
        });
        await sut.Cache.GetAsync("bind"); // the table's shape is read once, before the lanes start
        var lanes = Enumerable.Range(0, run.Lanes.Length).Select(number => new ModelLane(number, sut, s_defaultSlidingExpiration)).ToArray();
        var start = sut.Clock.GetUtcNow();
        for (var round = 0; round < run.Rounds; round++)
        {
            var now = sut.Clock.GetUtcNow();
            var current = round;

            // Task.Run: a lane's sync call blocks its own thread only, so sync and async calls overlap too.
            await Task.WhenAll(lanes
                .Where(lane => current < run.Lanes[lane.Number].Length)
                .Select(lane => Task.Run(() => lane.StepAsync(current, now, start, run.Lanes[lane.Number][current]))));

            sut.Clock.Advance(TimeSpan.FromSeconds(run.AdvanceAfterRound[round]));
        }
    }
}
