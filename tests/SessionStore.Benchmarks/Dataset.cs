using System.Globalization;

namespace SessionStore.Benchmarks;

/// <summary>
/// A seeded table: its name, how many rows it holds, and the keys the workloads draw from (all of them for the small
/// table, a uniform sample for the large one), each with the id the cache stores it under.
/// </summary>
internal sealed class Dataset
{
    public Dataset(string tag, string table, int rowCount, string[] keys, string[] largeKeys)
    {
        Tag = tag;
        Table = table;
        RowCount = rowCount;
        Keys = keys;
        Ids = Array.ConvertAll(keys, KeyDigest.Of);
        LargeKeys = largeKeys;
        LargeIds = Array.ConvertAll(largeKeys, KeyDigest.Of);
    }

    /// <summary>Short name used in keys and table names: <c>10k</c>, <c>1m</c>.</summary>
    public string Tag { get; }

    public string Label => RowCount >= 1_000_000
        ? string.Create(CultureInfo.InvariantCulture, $"{RowCount / 1_000_000}M rows")
        : string.Create(CultureInfo.InvariantCulture, $"{RowCount / 1000}k rows");

    public string Table { get; }

    public int RowCount { get; }

    public IReadOnlyList<string> Keys { get; }

    public IReadOnlyList<string> Ids { get; }

    /// <summary>Keys of the 256 KB entries; empty when the table has none.</summary>
    public IReadOnlyList<string> LargeKeys { get; }

    public IReadOnlyList<string> LargeIds { get; }

    public static string KeyFor(string tag, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"bench-{tag}-{index:D7}");

    public static string LargeKeyFor(string tag, int index) =>
        string.Create(CultureInfo.InvariantCulture, $"bench-{tag}-large-{index:D3}");
}
