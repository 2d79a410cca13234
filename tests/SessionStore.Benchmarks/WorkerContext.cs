using System.Buffers;

namespace SessionStore.Benchmarks;

/// <summary>
/// What one concurrent worker owns: its random stream of entries, the value it writes and a buffer writer reused by
/// every <c>TryGet</c>, so that nothing the harness does allocates per operation.
/// </summary>
internal sealed class WorkerContext
{
    private readonly IReadOnlyList<string> _keys;
    private readonly IReadOnlyList<string> _ids;
#pragma warning disable CA5394 // Choosing benchmark keys, not secrets.
    private readonly Random _random;

    public WorkerContext(Workload workload, Dataset dataset, byte[] writeValue, int seed)
    {
        ArgumentNullException.ThrowIfNull(workload);
        ArgumentNullException.ThrowIfNull(dataset);
        _keys = workload.UsesLargeValues ? dataset.LargeKeys : dataset.Keys;
        _ids = workload.UsesLargeValues ? dataset.LargeIds : dataset.Ids;
        _random = new Random(seed);
        WriteValue = writeValue;
        Writer = new ArrayBufferWriter<byte>(workload.ValueSize);
        Key = _keys[0];
        Id = _ids[0];
    }

    /// <summary>The cache key of the current entry.</summary>
    public string Key { get; private set; }

    /// <summary>The id column value of the current entry (the digest of <see cref="Key"/>).</summary>
    public string Id { get; private set; }

    public byte[] WriteValue { get; }

    public ArrayBufferWriter<byte> Writer { get; }

    /// <summary>Moves to an entry drawn uniformly from the workload's keys.</summary>
    public void NextEntry()
    {
        var index = _random.Next(_keys.Count);
        Key = _keys[index];
        Id = _ids[index];
    }
#pragma warning restore CA5394
}
