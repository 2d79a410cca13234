using Microsoft.Extensions.Caching.Distributed;
using Xunit.Abstractions;

namespace SessionStore.IntegrationTests.Coalescing;

/// <summary>Coalescing does happen: a burst of operations issued together reaches the server in clearly fewer statements.</summary>
public sealed class StatementCountTests(CoalescingDatabaseFixture database, ITestOutputHelper output) : IClassFixture<CoalescingDatabaseFixture>
{
    private const int BurstSize = 64;
    private const int Bursts = 5;

    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    [Fact]
    public async Task BurstOfGets_WithCoalescing_SendsFarFewerStatementsThanGets()
    {
        var prefix = Guid.NewGuid().ToString("N");
        string Key(int index) => $"{prefix}:{index}";
        using (var writer = database.CreateCache(o => o.CoalesceOperations = false))
        {
            for (var i = 0; i < BurstSize; i++)
            {
                await writer.Cache.SetAsync(Key(i), [(byte)i], s_noExpiry);
            }
        }

        var alone = await CountStatementsOfBurstsAsync(coalesce: false, Key);
        var coalesced = await CountStatementsOfBurstsAsync(coalesce: true, Key);
        const int Operations = BurstSize * Bursts;
        output.WriteLine($"{Operations} Gets in bursts of {BurstSize}: {alone} statements without coalescing, {coalesced} with it");

        // The baseline shows the counter sees the cache's statements: one per Get (the entries were written just now, so
        // no Get is due to extend its entry, which would add a statement).
        Assert.Equal(Operations, alone);

        // With the default options (CoalescingConnections = 4, MaxBatchSize = 64), the first Gets of a burst go out at
        // once, at most four statements in flight, and every Get issued while they are in flight waits and joins the next
        // statement: a burst of 64 Gets ideally costs a handful of statements. The bound is loose on purpose, so that
        // scheduling noise (a slow thread start, a statement finishing before the next Get is issued) cannot fail it:
        // fewer than three statements for every four Gets. Without coalescing it is one statement per Get, as above.
        Assert.True(
            coalesced < 0.75 * Operations,
            $"{Operations} Gets issued in bursts of {BurstSize} took {coalesced} statements with coalescing (and {alone} without); expected fewer than {0.75 * Operations}");
    }

    /// <summary>The statements the cache sends for <see cref="Bursts"/> bursts of <see cref="BurstSize"/> Gets, all of which must hit.</summary>
    private async Task<int> CountStatementsOfBurstsAsync(bool coalesce, Func<int, string> key)
    {
        using var sut = database.CreateCache(o => o.CoalesceOperations = coalesce);
        await sut.Cache.GetAsync("bind"); // the table's shape is read on first use: not part of what is counted
        var values = new byte[]?[BurstSize];
        using var counter = new StatementCounter(database.Database);
        for (var burst = 0; burst < Bursts; burst++)
        {
            var outcomes = await Burst.RunAsync(BurstSize, async i => values[i] = await sut.Cache.GetAsync(key(i)));
            Assert.All(outcomes, outcome => Assert.Null(outcome));
            for (var i = 0; i < BurstSize; i++)
            {
                byte[] expected = [(byte)i];
                Assert.Equal(expected, values[i]);
            }
        }

        return counter.Count;
    }
}
