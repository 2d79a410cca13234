using System.Globalization;

namespace SessionStore.Benchmarks.Http;

/// <summary>Prints the end-to-end report: facts, one row per cell and contestant, and the throughput ratios of issue 11.</summary>
internal sealed class HttpReportWriter
{
    private readonly TextWriter _output;
    private readonly IReadOnlyList<HttpCellResult> _results;

    public HttpReportWriter(TextWriter output, IReadOnlyList<HttpCellResult> results)
    {
        _output = output;
        _results = results;
    }

    public static string FormatRow(HttpCellResult result) =>
        $"| {result.Cell.KindLabel} | {result.Cell.Connections} | {result.Contestant.Name} | {Number(result.RequestsPerSecond)} | " +
        $"{Micro(result.P50Microseconds)} | {Micro(result.P99Microseconds)} | {PerRequest(result, s => s.Statements)} | " +
        $"{Breakdown(result)} | {PerRequest(result, s => s.Questions)} | {PerRequest(result, s => s.RowWrites)} | " +
        $"{PerRequest(result, s => s.RowsRead)} | {Number(result.Errors)} |";

    public void Write(IReadOnlyList<string> facts, IReadOnlyList<string> notes, TimeSpan duration)
    {
        _output.WriteLine();
        _output.WriteLine("## SessionStore end-to-end HTTP benchmark (issue 11)");
        _output.WriteLine();
        foreach (var fact in facts)
        {
            _output.WriteLine($"- {fact}");
        }

        _output.WriteLine();
        _output.WriteLine("| Request | c | Contestant | req/s | p50 µs | p99 µs | statements/req | SELECT / UPDATE / INSERT / DELETE per req | Questions/req | row writes/req | rows read/req | errors |");
        _output.WriteLine("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var result in _results)
        {
            _output.WriteLine(FormatRow(result));
        }

        _output.WriteLine();
        foreach (var note in notes)
        {
            _output.WriteLine(note);
        }

        _output.WriteLine();
        _output.WriteLine("### Ratios of requests/s (same run, side by side)");
        _output.WriteLine();
        _output.WriteLine("| Request | c | DbiSessionCache ÷ Redis cache | DbiSessionCache ÷ minimal store | coalescing off ÷ Redis cache | coalescing on ÷ off |");
        _output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: |");
        foreach (var cell in _results.Select(r => r.Cell).Distinct())
        {
            _output.WriteLine(
                $"| {cell.KindLabel} | {cell.Connections} | " +
                $"{Ratio(cell, HttpContestantKind.DbiSessionCache, HttpContestantKind.Redis)} | " +
                $"{Ratio(cell, HttpContestantKind.DbiSessionCache, HttpContestantKind.MinimalStore)} | " +
                $"{Ratio(cell, HttpContestantKind.DbiSessionCacheWithoutCoalescing, HttpContestantKind.Redis)} | " +
                $"{Ratio(cell, HttpContestantKind.DbiSessionCache, HttpContestantKind.DbiSessionCacheWithoutCoalescing)} |");
        }

        _output.WriteLine();
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"Run time: {duration.TotalMinutes:0.0} min."));
    }

    private string Ratio(HttpCell cell, HttpContestantKind numerator, HttpContestantKind denominator)
    {
        var n = _results.FirstOrDefault(r => r.Cell == cell && r.Contestant.Kind == numerator);
        var d = _results.FirstOrDefault(r => r.Cell == cell && r.Contestant.Kind == denominator);
        return n is null || d is null || d.RequestsPerSecond <= 0
            ? "n/a"
            : (n.RequestsPerSecond / d.RequestsPerSecond).ToString("0.00", CultureInfo.InvariantCulture) + "×";
    }

    private static string Breakdown(HttpCellResult result)
    {
        var parts = new Func<ServerCounterSample, long?>[] { s => s.Selects, s => s.Updates, s => s.Inserts, s => s.Deletes }
            .Select(counter => result.PerRequest(counter))
            .ToArray();
        return parts.Any(p => p is null) ? "—" : string.Join(" / ", parts.Select(p => p!.Value.ToString("0.00", CultureInfo.InvariantCulture)));
    }

    private static string PerRequest(HttpCellResult result, Func<ServerCounterSample, long?> counter) =>
        result.PerRequest(counter) is { } value ? value.ToString("0.00", CultureInfo.InvariantCulture) : "—";

    private static string Micro(double microseconds) =>
        microseconds.ToString(microseconds >= 100 ? "#,0" : "0.0", CultureInfo.InvariantCulture);

    private static string Number(double value) => value.ToString("#,0", CultureInfo.InvariantCulture);
}
