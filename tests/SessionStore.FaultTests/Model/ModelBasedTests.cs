using System.Diagnostics;
using CsCheck;
using SessionStore.IntegrationTests;

namespace SessionStore.FaultTests.Model;

/// <summary>
/// Long random sequences of Set, Get, Refresh, Remove and clock advances over four keys, each run against the cache and
/// against <see cref="CacheModel"/>; every Get must agree. On a divergence the failure prints CsCheck's seed that replays
/// it and the smallest failing sequence found by shrinking.
/// </summary>
public sealed class ModelBasedTests(SessionTableFixture table, ITestOutputHelper output) : IClassFixture<SessionTableFixture>
{
    private const int Sequences = 400;

    private static readonly TimeSpan s_defaultSlidingExpiration = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan s_shrinkTime = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task RandomSequencesOfOperations_AgreeWithTheInMemoryModel()
    {
        var sequences = 0;
        var operations = 0;
        CacheOperation[]? shortestFailing = null;
        var gate = new Lock();
        async Task RunRecordedAsync(CacheOperation[] sequence)
        {
            Interlocked.Increment(ref sequences);
            Interlocked.Add(ref operations, sequence.Length);
            try
            {
                await RunAsync(sequence);
            }
            catch
            {
                lock (gate)
                {
                    if (shortestFailing is null || sequence.Length < shortestFailing.Length)
                    {
                        shortestFailing = sequence;
                    }
                }

                throw;
            }
        }

        try
        {
            await Check.SampleAsync(CacheOperation.Sequence, RunRecordedAsync, iter: Sequences, threads: 4, print: CacheOperation.Print);
        }
        catch (CsCheckException divergence) when (shortestFailing is not null)
        {
            // CsCheck shrinks by generating smaller random sequences, which rarely hit the few operations a divergence
            // needs; removing operations from the shortest failing sequence while it still fails finds them.
            var (minimal, failure) = await RemoveOperationsWhileItFailsAsync(shortestFailing);
            Assert.Fail(
                $"{divergence.Message.Split('\n')[0]}{Environment.NewLine}" +
                $"Smallest failing sequence after removing operations: {CacheOperation.Print(minimal)}{Environment.NewLine}{failure}");
        }

        output.WriteLine($"{sequences} sequences, {operations} operations, no divergence");
    }

    /// <summary>
    /// Removes runs of operations (halves, then quarters, … then single ones) as long as the sequence still fails, for at
    /// most <see cref="ShrinkTime"/>; returns the smallest failing sequence and its failure.
    /// </summary>
    private async Task<(CacheOperation[] Sequence, string Failure)> RemoveOperationsWhileItFailsAsync(CacheOperation[] failing)
    {
        var clock = Stopwatch.StartNew();
        var current = failing.ToList();
        var failure = await FailureOfAsync(current) ?? "(the shortest failing sequence passed when run again)";
        for (var length = Math.Max(1, current.Count / 2); length >= 1 && clock.Elapsed < s_shrinkTime; length /= 2)
        {
            for (var start = 0; start + length <= current.Count && clock.Elapsed < s_shrinkTime;)
            {
                var candidate = current.Take(start).Concat(current.Skip(start + length)).ToList();
                if (candidate.Count > 0 && await FailureOfAsync(candidate) is { } candidateFailure)
                {
                    (current, failure) = (candidate, candidateFailure);
                }
                else
                {
                    start += length;
                }
            }
        }

        return ([.. current], failure);
    }

    private async Task<string?> FailureOfAsync(IReadOnlyList<CacheOperation> sequence)
    {
        try
        {
            await RunAsync(sequence);
            return null;
        }
#pragma warning disable CA1031 // Any failure counts: this only looks for the smallest sequence that still fails.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            return exception.Message;
        }
    }

    /// <summary>Runs one sequence on a cache of its own (own clock, own keys) and throws at the first divergence.</summary>
    private async Task RunAsync(IReadOnlyList<CacheOperation> sequence)
    {
        using var sut = table.CreateCache(o =>
        {
            o.SlidingExtensionThreshold = 0;
            o.DefaultSlidingExpiration = s_defaultSlidingExpiration;
        });
        var cache = new ModelCheckedCache(sut, s_defaultSlidingExpiration);
        for (var step = 0; step < sequence.Count; step++)
        {
            if (sequence[step] is AdvanceOperation advance)
            {
                sut.Clock.Advance(TimeSpan.FromSeconds(advance.Seconds));
            }
            else if (await cache.ApplyAsync(sequence[step], sut.Clock.GetUtcNow()) is { } divergence)
            {
                throw new InvalidOperationException($"Step {step + 1}, {sequence[step]}: {divergence}.");
            }
        }
    }
}
