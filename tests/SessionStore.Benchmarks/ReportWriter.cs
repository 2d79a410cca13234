using System.Globalization;

namespace SessionStore.Benchmarks;

/// <summary>Prints the machine facts, one table row per workload and contestant, and the ratios the issue sets targets for.</summary>
internal sealed class ReportWriter
{
    private readonly TextWriter _output;
    private readonly IReadOnlyList<WorkloadResult> _results;

    public ReportWriter(TextWriter output, IReadOnlyList<WorkloadResult> results)
    {
        _output = output;
        _results = results;
    }

    public static string FormatRow(Workload workload, ContestantResult result) =>
        $"| {workload.OperationLabel} | {workload.ValueLabel} | {workload.Concurrency} | {workload.Dataset.Label} | {result.Name} | " +
        $"{Micro(result.P50Microseconds)} | {Micro(result.P99Microseconds)} | {Number(result.OperationsPerSecond)} | " +
        $"{Number(result.AllocatedBytesPerOperation)} | {RowWrites(result.RowWritesPerOperation)} | {Number(result.Misses)} |";

    public void Write(IReadOnlyList<string> facts, IReadOnlyList<string> notes, TimeSpan duration)
    {
        _output.WriteLine();
        _output.WriteLine("## SessionStore benchmark");
        _output.WriteLine();
        foreach (var fact in facts)
        {
            _output.WriteLine($"- {fact}");
        }

        _output.WriteLine();
        _output.WriteLine("| Workload | Value | c | Rows | Contestant | p50 µs | p99 µs | ops/s | alloc B/op | row writes/op | misses |");
        _output.WriteLine("| --- | --- | ---: | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in _results)
        {
            foreach (var contestant in result.Contestants)
            {
                _output.WriteLine(FormatRow(result.Workload, contestant));
            }
        }

        _output.WriteLine();
        _output.WriteLine("An operation is one call, or for the session shapes one request (Get+Refresh: the limit runs one SELECT; Get+Set: one SELECT and one upsert).");
        _output.WriteLine("alloc B/op: all bytes the process allocated during the contestant's rounds (GC.GetTotalAllocatedBytes), per operation.");
        foreach (var note in notes)
        {
            _output.WriteLine(note);
        }

        _output.WriteLine();
        _output.WriteLine("### Against the limit (same run)");
        _output.WriteLine();
        _output.WriteLine("| Measure | Target | Measured | Verdict |");
        _output.WriteLine("| --- | ---: | ---: | --- |");
        WriteRatios();
        _output.WriteLine();
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Run time: {duration.TotalMinutes:0.0} min."));
    }

    private void WriteRatios()
    {
        const int Small = BenchmarkSettings.SmallValueSize;
        var get1 = Find(Operation.Get, Small, 1, "10k");
        var get16 = Find(Operation.Get, Small, 16, "10k");
        var get64 = Find(Operation.Get, Small, 64, "10k");
        var read1 = Find(Operation.SessionRead, Small, 1, "10k");
        var read16 = Find(Operation.SessionRead, Small, 16, "10k");
        var set1 = Find(Operation.Set, Small, 1, "10k");
        var tryGet = Find(Operation.TryGet, Small, 1, "10k");
        var get1M = Find(Operation.Get, Small, 1, "1m");
        var get16M = Find(Operation.Get, Small, 16, "1m");

        var set16 = Find(Operation.Set, Small, 16, "10k");
        var set64 = Find(Operation.Set, Small, 64, "10k");
        AtMost("Get p50, 1 KB, c=1: DbiSessionCache / limit", 1.10, Ratio(get1, ContestantKind.DbiSessionCache, ContestantKind.Limit, P50));
        AtLeast("Get throughput, 1 KB, c=16: DbiSessionCache / limit", 2.0, Ratio(get16, ContestantKind.DbiSessionCache, ContestantKind.Limit, Ops));
        AtLeast("Get throughput, 1 KB, c=16: DbiSessionCache / Redis cache", 1.2, Ratio(get16, ContestantKind.DbiSessionCache, ContestantKind.Redis, Ops));
        AtLeast("Get throughput, 1 KB, c=64: DbiSessionCache / limit", 3.0, Ratio(get64, ContestantKind.DbiSessionCache, ContestantKind.Limit, Ops));
        AtLeast("Get throughput, 1 KB, c=64: DbiSessionCache / Redis cache", 1.0, Ratio(get64, ContestantKind.DbiSessionCache, ContestantKind.Redis, Ops));
        AtLeast("Set throughput, 1 KB, c=16: DbiSessionCache / plain upsert", 2.0, Ratio(set16, ContestantKind.DbiSessionCache, ContestantKind.Limit, Ops));
        Info("Set throughput, 1 KB, c=64: DbiSessionCache / plain upsert", Ratio(set64, ContestantKind.DbiSessionCache, ContestantKind.Limit, Ops));
        Info("Set throughput, 1 KB, c=16: DbiSessionCache / Redis cache", Ratio(set16, ContestantKind.DbiSessionCache, ContestantKind.Redis, Ops));
        Info("Get throughput, 1 KB, c=16: coalescing off / limit", Ratio(get16, ContestantKind.DbiSessionCacheUncoalesced, ContestantKind.Limit, Ops));
        Info("Get throughput, 1 KB, c=64: coalescing off / limit", Ratio(get64, ContestantKind.DbiSessionCacheUncoalesced, ContestantKind.Limit, Ops));
        Info("Set throughput, 1 KB, c=16: coalescing off / plain upsert", Ratio(set16, ContestantKind.DbiSessionCacheUncoalesced, ContestantKind.Limit, Ops));
        Info("Get p50, 1 KB, c=1: plain SQL with reset per checkout / limit", Ratio(get1, ContestantKind.PlainWithReset, ContestantKind.Limit, P50));
        Info("Get throughput, 1 KB, c=16: plain SQL with reset per checkout / limit", Ratio(get16, ContestantKind.PlainWithReset, ContestantKind.Limit, Ops));
        Info("Session read throughput, c=1: DbiSessionCache / one plain SELECT", Ratio(read1, ContestantKind.DbiSessionCache, ContestantKind.Limit, Ops));
        Info("Session read throughput, c=16: DbiSessionCache / one plain SELECT", Ratio(read16, ContestantKind.DbiSessionCache, ContestantKind.Limit, Ops));
        Info("Session read throughput, c=1: DbiSessionCache / Redis cache", Ratio(read1, ContestantKind.DbiSessionCache, ContestantKind.Redis, Ops));
        Info("Session read throughput, c=16: DbiSessionCache / Redis cache", Ratio(read16, ContestantKind.DbiSessionCache, ContestantKind.Redis, Ops));
        Info("Session read throughput, c=1: Redis cache / one plain SELECT", Ratio(read1, ContestantKind.Redis, ContestantKind.Limit, Ops));
        Info("Session read throughput, c=16: Redis cache / one plain SELECT", Ratio(read16, ContestantKind.Redis, ContestantKind.Limit, Ops));
        // The etcd store beside MySQL and Redis, same workloads, same rounds; throughput, since at c=1 it is the inverse of latency.
        (string Label, WorkloadResult? Result)[] etcdWorkloads =
        [
            ("Get throughput, 1 KB, c=1", get1), ("Get throughput, 1 KB, c=16", get16),
            ("Set throughput, 1 KB, c=1", set1), ("Set throughput, 1 KB, c=16", set16),
            ("Session read throughput, c=1", read1), ("Session read throughput, c=16", read16),
        ];
        foreach (var (label, result) in etcdWorkloads)
        {
            Info($"{label}: etcd store / DbiSessionCache", Ratio(result, ContestantKind.Etcd, ContestantKind.DbiSessionCache, Ops));
            Info($"{label}: etcd store / Redis cache", Ratio(result, ContestantKind.Etcd, ContestantKind.Redis, Ops));
        }

        AtMost("Row writes per read-only session request, c=1: DbiSessionCache", 0.05, read1?.For(ContestantKind.DbiSessionCache)?.RowWritesPerOperation, "0.000");
        AtMost("Row writes per read-only session request, c=16: DbiSessionCache", 0.05, read16?.For(ContestantKind.DbiSessionCache)?.RowWritesPerOperation, "0.000");
        AtMost("Set p50, 1 KB, c=1: DbiSessionCache / plain upsert", 1.10, Ratio(set1, ContestantKind.DbiSessionCache, ContestantKind.Limit, P50));

        var cacheAllocation = tryGet?.For(ContestantKind.DbiSessionCache)?.AllocatedBytesPerOperation;
        var driverShare = tryGet?.For(ContestantKind.Limit)?.AllocatedBytesPerOperation;
        var overDriver = cacheAllocation - driverShare;
        var target = string.Create(CultureInfo.InvariantCulture, $"≤ {Small} B + driver share");
        var measured = cacheAllocation is { } c && driverShare is { } d
            ? string.Create(CultureInfo.InvariantCulture, $"{c:#,0} B/op; driver share {d:#,0} B/op; {c - d:#,0} B above it")
            : "n/a";
        var verdict = overDriver is { } over
            ? over <= Small ? "meets" : string.Create(CultureInfo.InvariantCulture, $"misses by {over - Small:#,0} B")
            : "not measured";
        Line("TryGet allocation, 1 KB, c=1: DbiSessionCache", target, measured, verdict);

        var millionNote = _results.Any(r => r.Workload.Dataset.Tag == "1m") ? null : "not measured (--quick: 10k rows only)";
        AtMost("Get p50, 1 KB, c=1: DbiSessionCache on 1M rows / on 10k rows (same rounds)", 1.20,
            Ratio(get1M, ContestantKind.DbiSessionCache, ContestantKind.DbiSessionCacheOnSmallTable, P50), notMeasured: millionNote);
        Info("Get p50, 1 KB, c=1: limit on 1M rows / on 10k rows (same rounds)",
            Ratio(get1M, ContestantKind.Limit, ContestantKind.LimitOnSmallTable, P50), notMeasured: millionNote);
        Info("Get throughput, 1 KB, c=16: DbiSessionCache on 1M rows / on 10k rows (same rounds)",
            Ratio(get16M, ContestantKind.DbiSessionCache, ContestantKind.DbiSessionCacheOnSmallTable, Ops), notMeasured: millionNote);
        Info("Get throughput, 1 KB, c=16: limit on 1M rows / on 10k rows (same rounds)",
            Ratio(get16M, ContestantKind.Limit, ContestantKind.LimitOnSmallTable, Ops), notMeasured: millionNote);
    }

    private static double P50(ContestantResult r) => r.P50Microseconds;

    private static double Ops(ContestantResult r) => r.OperationsPerSecond;

    private static double? Ratio(WorkloadResult? result, ContestantKind numerator, ContestantKind denominator, Func<ContestantResult, double> metric) =>
        result?.For(numerator) is { } n && result.For(denominator) is { } d ? metric(n) / metric(d) : null;

    private WorkloadResult? Find(Operation operation, int valueSize, int concurrency, string datasetTag) =>
        _results.FirstOrDefault(r => r.Workload.Operation == operation && r.Workload.ValueSize == valueSize
            && r.Workload.Concurrency == concurrency && r.Workload.Dataset.Tag == datasetTag);

    private void AtMost(string measure, double bound, double? value, string format = "0.00", string? notMeasured = null)
    {
        var verdict = value is { } v
            ? v <= bound ? "meets" : string.Create(CultureInfo.InvariantCulture, $"misses by {((v / bound) - 1) * 100:0}%")
            : notMeasured ?? "not measured";
        Line(measure, "≤ " + bound.ToString(format, CultureInfo.InvariantCulture), Format(value, format), verdict);
    }

    private void AtLeast(string measure, double bound, double? value)
    {
        var verdict = value is { } v
            ? v >= bound ? "meets" : string.Create(CultureInfo.InvariantCulture, $"misses by {(1 - (v / bound)) * 100:0}%")
            : "not measured";
        Line(measure, "≥ " + bound.ToString("0.00", CultureInfo.InvariantCulture), Format(value, "0.00"), verdict);
    }

    private void Info(string measure, double? value, string? notMeasured = null) =>
        Line(measure, "—", Format(value, "0.00"), value is null ? notMeasured ?? "not measured" : "for context");

    private void Line(string measure, string target, string measured, string verdict) =>
        _output.WriteLine($"| {measure} | {target} | {measured} | {verdict} |");

    private static string Format(double? value, string format) =>
        value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) + (format == "0.00" ? "×" : string.Empty) : "n/a";

    private static string Micro(double microseconds) =>
        microseconds.ToString(microseconds >= 100 ? "#,0" : "0.0", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);

    private static string RowWrites(double? value) =>
        value is { } v ? v.ToString("0.000", CultureInfo.InvariantCulture) : "—";
}
