namespace SessionStore.Benchmarks.Http;

/// <summary>One contestant's runs in one cell, over all rounds: medians of wrk's figures, server counters summed.</summary>
internal sealed class HttpCellResult
{
    private readonly List<WrkResult> _runs = [];
    private ServerCounterSample? _counters;
    private long _countedRequests;

    public HttpCellResult(HttpCell cell, HttpContestant contestant)
    {
        Cell = cell;
        Contestant = contestant;
    }

    public HttpCell Cell { get; }

    public HttpContestant Contestant { get; }

    public int Rounds => _runs.Count;

    public double RequestsPerSecond => Median(r => r.RequestsPerSecond);

    public double P50Microseconds => Median(r => r.P50Microseconds);

    public double P99Microseconds => Median(r => r.P99Microseconds);

    /// <summary>Non-2xx responses (a read that found no session answers 404) and socket errors, over all rounds.</summary>
    public long Errors => _runs.Sum(r => r.Non2xxResponses + r.SocketErrors);

    /// <summary>The server's counters over all rounds, divided by wrk's completed requests; null for a store that is not MySQL.</summary>
    public double? PerRequest(Func<ServerCounterSample, long?> counter) =>
        _counters is not null && _countedRequests > 0 && counter(_counters) is { } total ? (double)total / _countedRequests : null;

    public void Add(WrkResult run, ServerCounterSample? counters)
    {
        _runs.Add(run);
        if (counters is not null)
        {
            _counters = (_counters ?? ServerCounterSample.Zero).Plus(counters);
            _countedRequests += run.Requests;
        }
    }

    private double Median(Func<WrkResult, double> metric)
    {
        var sorted = _runs.Select(metric).Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }

        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}
