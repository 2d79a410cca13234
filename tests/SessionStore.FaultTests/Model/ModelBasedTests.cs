using System.Buffers;
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

    // Case-sensitive twins, a non-ASCII key and a long one.
    private static readonly string[] s_keyNames = ["a", "A", "ключ-🔑", new('k', 300)];

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
        var model = new CacheModel(s_defaultSlidingExpiration);
        var prefix = Guid.NewGuid().ToString("N");
        string Key(int index) => $"{prefix}:{s_keyNames[index]}";

        for (var step = 0; step < sequence.Count; step++)
        {
            var now = sut.Clock.GetUtcNow();
            switch (sequence[step])
            {
                case SetOperation set:
                {
                    var options = set.Options(now);
                    switch (set.Api)
                    {
                        case Api.Sync:
                            sut.Cache.Set(Key(set.Key), set.Value, options);
                            break;
                        case Api.Async:
                            await sut.Cache.SetAsync(Key(set.Key), set.Value, options);
                            break;
                        default:
                            await sut.BufferCache.SetAsync(Key(set.Key), new ReadOnlySequence<byte>(set.Value), options);
                            break;
                    }

                    model.Set(now, Key(set.Key), set.Value, options);
                    break;
                }

                case GetOperation get:
                {
                    var actual = await GetAsync(sut, Key(get.Key), get.Api);
                    var expected = model.Get(now, Key(get.Key));
                    if (!SameValue(expected, actual))
                    {
                        throw new InvalidOperationException(
                            $"Step {step + 1}, {get}: the model has {Show(expected)}, the cache returned {Show(actual)}.");
                    }

                    break;
                }

                case RefreshOperation refresh:
                    if (refresh.IsAsync)
                    {
                        await sut.Cache.RefreshAsync(Key(refresh.Key));
                    }
                    else
                    {
                        sut.Cache.Refresh(Key(refresh.Key));
                    }

                    model.Refresh(now, Key(refresh.Key));
                    break;

                case RemoveOperation remove:
                    if (remove.IsAsync)
                    {
                        await sut.Cache.RemoveAsync(Key(remove.Key));
                    }
                    else
                    {
                        sut.Cache.Remove(Key(remove.Key));
                    }

                    model.Remove(Key(remove.Key));
                    break;

                case AdvanceOperation advance:
                    sut.Clock.Advance(TimeSpan.FromSeconds(advance.Seconds));
                    break;
            }
        }
    }

    private static async Task<byte[]?> GetAsync(CacheUnderTest sut, string key, Api api)
    {
        switch (api)
        {
            case Api.Sync:
                return sut.Cache.Get(key);
            case Api.Async:
                return await sut.Cache.GetAsync(key);
            default:
                var destination = new ArrayBufferWriter<byte>();
                return await sut.BufferCache.TryGetAsync(key, destination) ? destination.WrittenSpan.ToArray() : null;
        }
    }

    private static bool SameValue(byte[]? expected, byte[]? actual) =>
        expected is null ? actual is null : actual is not null && expected.AsSpan().SequenceEqual(actual);

    private static string Show(byte[]? value) => value is null ? "nothing" : $"[{Convert.ToHexString(value)}]";
}
