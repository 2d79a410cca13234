using System.Globalization;

namespace SessionStore.Benchmarks;

/// <summary>One line of the plan: an operation, on values of one size, at one concurrency, against one table.</summary>
internal sealed record Workload(Operation Operation, int ValueSize, int Concurrency, Dataset Dataset)
{
    public string OperationLabel => Operation switch
    {
        Operation.Get => "Get",
        Operation.TryGet => "TryGet (buffer)",
        Operation.Set => "Set",
        Operation.SessionRead => "Session read (Get+Refresh)",
        Operation.SessionWrite => "Session write (Get+Set)",
        _ => Operation.ToString(),
    };

    public string ValueLabel => ValueSize >= 1024
        ? string.Create(CultureInfo.InvariantCulture, $"{ValueSize / 1024} KB")
        : string.Create(CultureInfo.InvariantCulture, $"{ValueSize} B");

    public bool UsesLargeValues => ValueSize > BenchmarkSettings.SmallValueSize;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{OperationLabel}, {ValueLabel}, c={Concurrency}, {Dataset.Label}");
}
