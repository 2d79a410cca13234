using SessionStore.Testing;
using System.Diagnostics;

namespace SessionStore.ClusterTests;

/// <summary>Outcomes of write-on-one-node, read-on-another pairs.</summary>
internal sealed class PairCounts
{
    /// <summary>The read found nothing: the other node had not applied the write yet.</summary>
    public int Stale { get; set; }

    /// <summary>The read found bytes other than those written, which no setting excuses.</summary>
    public int Wrong { get; set; }

    public TimeSpan Elapsed { get; set; }

    /// <summary>
    /// <paramref name="pairs"/> write-then-read pairs without CausalReads and as many with it, interleaved so that both see
    /// the same machine and the same cluster: each writes through a cache on <paramref name="writerConnectionString"/>
    /// and reads at once through one on <paramref name="readerConnectionString"/> (both given the cache's application name).
    /// </summary>
    /// <returns>The counts of each, and the retry counters of the four caches (causal writer, reader, plain writer, reader).</returns>
    public static async Task<(PairCounts Plain, PairCounts Causal, IReadOnlyList<TransientRetryCounter> Retries)> CompareCausalReadsAsync(
        Func<string, string> writerConnectionString, Func<string, string> readerConnectionString, int pairs)
    {
        using var writer = ClusterCache.Create(writerConnectionString("causal-writer"), causalReads: true);
        using var reader = ClusterCache.Create(readerConnectionString("causal-reader"), causalReads: true);
        using var plainWriter = ClusterCache.Create(writerConnectionString("plain-writer"), causalReads: false);
        using var plainReader = ClusterCache.Create(readerConnectionString("plain-reader"), causalReads: false);

        var plain = new PairCounts();
        var causal = new PairCounts();
        foreach (var cache in new[] { writer, reader, plainWriter, plainReader })
        {
            // The first operation of each cache reads the table's shape; keep it out of the timing.
            Assert.Null(await cache.Cache.GetAsync(Guid.NewGuid().ToString()));
        }

        for (var pair = 0; pair < pairs; pair++)
        {
            await plain.WriteThenReadElsewhereAsync(plainWriter, plainReader);
            await causal.WriteThenReadElsewhereAsync(writer, reader);
        }

        return (plain, causal, [writer.Retries, reader.Retries, plainWriter.Retries, plainReader.Retries]);
    }

    /// <summary>Sets a new key through <paramref name="writer"/>, reads it at once through <paramref name="reader"/>, and counts the outcome.</summary>
    public async Task WriteThenReadElsewhereAsync(ClusterCache writer, ClusterCache reader)
    {
        var key = Guid.NewGuid().ToString();
        var value = System.Text.Encoding.UTF8.GetBytes(key);
        var started = Stopwatch.GetTimestamp();
        await writer.Cache.SetAsync(key, value, ClusterCache.EntryOptions);
        var read = await reader.Cache.GetAsync(key);
        Elapsed += Stopwatch.GetElapsedTime(started);
        if (read is null)
        {
            Stale++;
        }
        else if (!read.AsSpan().SequenceEqual(value))
        {
            Wrong++;
        }
    }
}
