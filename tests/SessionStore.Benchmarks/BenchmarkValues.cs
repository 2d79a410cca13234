namespace SessionStore.Benchmarks;

/// <summary>The values stored and written: random bytes, so no layer can compress them.</summary>
internal sealed class BenchmarkValues
{
    public BenchmarkValues()
    {
#pragma warning disable CA5394 // Filler bytes, not secrets.
        var random = new Random(1);
        random.NextBytes(Small);
        random.NextBytes(Large);
        random.NextBytes(SmallWrite);
        random.NextBytes(LargeWrite);
#pragma warning restore CA5394
    }

    public byte[] Small { get; } = new byte[BenchmarkSettings.SmallValueSize];

    public byte[] Large { get; } = new byte[BenchmarkSettings.LargeValueSize];

    public byte[] SmallWrite { get; } = new byte[BenchmarkSettings.SmallValueSize];

    public byte[] LargeWrite { get; } = new byte[BenchmarkSettings.LargeValueSize];
}
