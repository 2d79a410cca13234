using System.Globalization;
namespace SessionStore.Benchmarks;

/// <summary>How long and on how much data the benchmark runs.</summary>
internal sealed record BenchmarkSettings(
    bool Quick,
    TimeSpan WarmUp,
    TimeSpan RoundDuration,
    int Rounds,
    bool IncludeMillionRows,
    string? Filter = null,
    bool Http = false)
{
    public const string Usage = """
        Usage: dotnet run -c Release --project tests/SessionStore.Benchmarks -- [--http] [--quick] [--filter TEXT]
          --http          the end-to-end benchmark instead: a Kestrel app with the stock session middleware, driven over HTTP
                          by wrk (Debian: sudo apt-get install wrk), one app per store; about 11 minutes, 2 with --quick.
          --quick         10k rows only and short rounds: a smoke run of about a minute (with --http: 1 round of 2 s cells).
          --filter TEXT   only the workloads whose label contains TEXT (case-insensitive), e.g. "Session read" or "c=16"
                          (with --http: e.g. "read", "write", "no session" or "c=16").
        The MySQL-compatible server comes from SESSIONSTORE_MYSQL or is started locally (see README, Tests);
        redis-server is started from PATH when installed.
        """;

    /// <summary>Entries in the small table, and rows sampled as keys from the large one.</summary>
    public const int SmallRowCount = 10_000;

    public const int LargeRowCount = 1_000_000;

    /// <summary>Rows holding a 256 KB value, in the small table; enough that 16 writers rarely queue on one row lock.</summary>
    public const int LargeValueRowCount = 64;

    public const int SmallValueSize = 1024;

    public const int LargeValueSize = 256 * 1024;

    /// <summary>The session middleware's default idle timeout, used as the sliding window everywhere.</summary>
    public static readonly TimeSpan SlidingWindow = TimeSpan.FromMinutes(20);

    /// <summary>With <c>--http</c>: how long wrk drives one contestant in one cell (request kind and connection count).</summary>
    public TimeSpan HttpCellDuration => Quick ? TimeSpan.FromSeconds(2) : TimeSpan.FromSeconds(5);

    /// <summary>With <c>--http</c>: rounds over every cell and contestant; the report shows the medians.</summary>
    public int HttpRounds => Quick ? 1 : 3;

    public bool Includes(Workload workload) => Includes(workload.ToString());

    public bool Includes(string label) =>
        Filter is null || label.Contains(Filter, StringComparison.OrdinalIgnoreCase);

    public static BenchmarkSettings? Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var quick = false;
        var http = false;
        string? filter = null;
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] == "--quick")
            {
                quick = true;
            }
            else if (args[i] == "--http")
            {
                http = true;
            }
            else if (args[i] == "--filter" && i + 1 < args.Count)
            {
                filter = args[++i];
            }
            else
            {
                return null;
            }
        }

        // Round counts are multiples of 2, 3 and 4 so that, with the order rotating each round, every contestant runs in
        // every position equally often.
        return quick
            ? new BenchmarkSettings(true, TimeSpan.FromSeconds(0.3), TimeSpan.FromSeconds(0.1), 12, IncludeMillionRows: false, filter, http)
            : new BenchmarkSettings(false, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(0.5), 12, IncludeMillionRows: true, filter, http);
    }

    /// <summary>
    /// For choosing the defaults: SESSIONSTORE_BENCH_LANES and SESSIONSTORE_BENCH_BATCH override CoalescingConnections and
    /// MaxBatchSize of the DbiSessionCache contestant (the report then names them).
    /// </summary>
    public static void TuneCoalescing(DbiSessionCacheOptions options)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("SESSIONSTORE_BENCH_LANES"), CultureInfo.InvariantCulture, out var lanes))
        {
            options.CoalescingConnections = lanes;
        }

        if (int.TryParse(Environment.GetEnvironmentVariable("SESSIONSTORE_BENCH_BATCH"), CultureInfo.InvariantCulture, out var batch))
        {
            options.MaxBatchSize = batch;
        }
    }
}
