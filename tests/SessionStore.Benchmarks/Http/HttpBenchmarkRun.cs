using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using SessionStore.DevServer;

namespace SessionStore.Benchmarks.Http;

/// <summary>
/// The end-to-end run (<c>--http</c>): find or start the servers, start one benchmark app per store, seed each with
/// sessions through its own writing endpoint, then drive every cell with wrk, the contestants interleaved in rounds, and
/// print the medians with the server's statements and row writes per request.
/// </summary>
internal static class HttpBenchmarkRun
{
    public const int SeededSessions = 2_000;

    private static readonly int[] s_connections = [1, 16, 64];
    private static readonly HttpRequestKind[] s_kinds = [HttpRequestKind.Read, HttpRequestKind.Write, HttpRequestKind.NoSession];
    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(1);

    /// <summary>Returns the process exit code: 0, or 2 when wrk is missing.</summary>
    public static async Task<int> ExecuteAsync(BenchmarkSettings settings, TextWriter report, TextWriter log, CancellationToken cancellationToken)
    {
        var wrkBinary = WrkDriver.FindBinary();
        if (wrkBinary is null)
        {
            await log.WriteLineAsync($"The HTTP benchmark drives the app with wrk, which is not installed ({WrkDriver.InstallHint}).");
            return 2;
        }

        var total = Stopwatch.StartNew();
        var scriptDirectory = Directory.CreateTempSubdirectory("sessionstore-http-benchmark-").FullName;
        try
        {
            var wrk = new WrkDriver(wrkBinary, scriptDirectory);
            var wrkVersion = $"{await wrk.ReadVersionAsync(cancellationToken)} ({wrkBinary})";
            await log.WriteLineAsync($"wrk: {wrkVersion}");
            await log.WriteLineAsync("Finding or starting a MySQL-compatible server ...");
            await using var server = await MySqlDevServer.StartAsync(
                new MySqlDevServerOptions { Log = line => log.WriteLine("  " + line) }, cancellationToken);
            await log.WriteLineAsync($"  {server.Description}");

            var (redis, redisNote) = await RedisServerProcess.StartForBenchmarkAsync(cancellationToken);
            await log.WriteLineAsync($"Redis: {redisNote}");
            try
            {
                await RunAsync(settings, server, redis, redisNote, wrk, wrkVersion, report, log, total, cancellationToken);
            }
            finally
            {
                if (redis is not null)
                {
                    await redis.DisposeAsync();
                }
            }
        }
        finally
        {
            Directory.Delete(scriptDirectory, recursive: true);
        }

        return 0;
    }

    private static async Task RunAsync(
        BenchmarkSettings settings, MySqlDevServer server, RedisServerProcess? redis, string redisNote, WrkDriver wrk, string wrkVersion,
        TextWriter report, TextWriter log, Stopwatch total, CancellationToken cancellationToken)
    {
        await using var admin = new MySqlConnection(server.ConnectionString);
        await admin.OpenAsync(cancellationToken);
        var bufferPool = await ServerSetup.ScalarInt64Async(admin, "SELECT @@innodb_buffer_pool_size", cancellationToken);
        var bufferPoolNote = $"innodb_buffer_pool_size {bufferPool / (1024 * 1024)} MiB (left as it is: a few thousand 1 KB sessions fit in any pool)";
        var harness = string.Create(
            CultureInfo.InvariantCulture,
            $"--http{(settings.Quick ? " --quick" : string.Empty)}{(settings.Filter is null ? string.Empty : $", --filter \"{settings.Filter}\"")}; " +
            $"{wrkVersion}, wrk -t min(c,2) -c c -d {settings.HttpCellDuration.TotalSeconds:0}s --timeout 10s --latency, on the same machine as the app and the servers; " +
            $"{settings.HttpRounds} round(s), each cell run by every contestant in turn (order rotating per round), medians reported; " +
            $"{s_warmUp.TotalSeconds:0} s warm-up per contestant and request kind at c=16 before the first round");
        var facts = await MachineFacts.CollectAsync(
            admin, server, bufferPoolNote,
            "given to both DbiSessionCache apps as their Dsn; the minimal store adds Connection Reset=false (no reset round trip per checkout)",
            redisNote, harness, cancellationToken);
        var counters = new ServerCounters(admin);
        var useRowAlias = SqlText.SupportsRowAlias(admin.ServerVersion);
        var schema = TableSeeder.LoadSchema();
        var suffix = Guid.NewGuid().ToString("N")[..8];

        // The minimal store gets the connection string with Connection Reset=false, as the micro-benchmark's limit does
        // (and as the cache's own pool does unless the DSN says otherwise).
        var minimalConnectionString = new MySqlConnectionStringBuilder(server.ConnectionString) { ConnectionReset = false }.ConnectionString;
        var tables = new List<string>();
        var contestants = new List<HttpContestant>();
        try
        {
            async Task<string> CreateTableAsync(string tag)
            {
                var table = $"bench_http_{tag}_{suffix}";
                tables.Add(table);
                await TableSeeder.CreateTableAsync(admin, schema, table, cancellationToken);
                return table;
            }

            var dbiTable = await CreateTableAsync("dbi");
            contestants.Add(await StartContestantAsync(
                HttpContestantKind.DbiSessionCache, "DbiSessionCache", dbiTable,
                services => services.AddDbiSessionCache(o =>
                {
                    o.Dsn = server.ConnectionString;
                    o.Table = dbiTable;
                }),
                cancellationToken));

            var uncoalescedTable = await CreateTableAsync("nocoalesce");
            contestants.Add(await StartContestantAsync(
                HttpContestantKind.DbiSessionCacheWithoutCoalescing, "DbiSessionCache, coalescing off", uncoalescedTable,
                services => services.AddDbiSessionCache(o =>
                {
                    o.Dsn = server.ConnectionString;
                    o.Table = uncoalescedTable;
                    o.CoalesceOperations = false;
                }),
                cancellationToken));

            if (redis is not null)
            {
                contestants.Add(await StartContestantAsync(
                    HttpContestantKind.Redis, "Redis cache", table: null,
                    services => services.AddStackExchangeRedisCache(o =>
                    {
                        o.Configuration = redis.Endpoint;
                        o.InstanceName = "httpbench:";
                    }),
                    cancellationToken));
            }

            var minimalTable = await CreateTableAsync("minimal");
            contestants.Add(await StartContestantAsync(
                HttpContestantKind.MinimalStore, "minimal store: plain SQL", minimalTable,
                services => services
                    .AddSingleton(_ => new MySqlDataSource(minimalConnectionString))
                    .AddSingleton<IDistributedCache>(sp => new MinimalSessionStore(sp.GetRequiredService<MySqlDataSource>(), minimalTable, useRowAlias)),
                cancellationToken));

            foreach (var contestant in contestants)
            {
                await PrepareAsync(contestant, wrk, log, cancellationToken);
            }

            var cells = s_kinds.SelectMany(kind => s_connections.Select(c => new HttpCell(kind, c)))
                .Where(cell => settings.Includes(cell.ToString()))
                .ToArray();
            await WarmUpAsync(contestants, cells, wrk, log, cancellationToken);
            var results = cells.SelectMany(cell => contestants.Select(contestant => new HttpCellResult(cell, contestant))).ToArray();
            for (var round = 0; round < settings.HttpRounds; round++)
            {
                foreach (var cell in cells)
                {
                    // Each contestant in turn; the order rotates each round so that no store always runs first.
                    for (var i = 0; i < contestants.Count; i++)
                    {
                        var contestant = contestants[(i + round) % contestants.Count];
                        var result = results.Single(r => r.Cell == cell && r.Contestant == contestant);
                        await MeasureAsync(result, admin, counters, wrk, settings.HttpCellDuration, cancellationToken);
                        await log.WriteLineAsync(string.Create(
                            CultureInfo.InvariantCulture, $"  round {round + 1}/{settings.HttpRounds} {HttpReportWriter.FormatRow(result)}"));
                    }
                }
            }

            var notes = Notes(settings, counters, contestants);
            new HttpReportWriter(report, results).Write(facts, notes, total.Elapsed);
        }
        finally
        {
            foreach (var contestant in contestants)
            {
                await contestant.DisposeAsync();
            }

            foreach (var table in tables)
            {
                await TableSeeder.DropTableAsync(admin, table, CancellationToken.None);
            }
        }
    }

    private static async Task<HttpContestant> StartContestantAsync(
        HttpContestantKind kind, string name, string? table, Action<IServiceCollection> addCache, CancellationToken cancellationToken)
    {
        var (app, baseAddress) = await SessionBenchmarkApp.StartAsync(addCache, cancellationToken);
        return new HttpContestant(kind, name, app, baseAddress, table);
    }

    /// <summary>Seeds the contestant's sessions through its writing endpoint, writes its wrk scripts and checks a read.</summary>
    private static async Task PrepareAsync(HttpContestant contestant, WrkDriver wrk, TextWriter log, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var cookies = await SessionSeeder.SeedAsync(contestant.BaseAddress, SeededSessions, cancellationToken);
        await SessionSeeder.VerifyReadAsync(contestant.BaseAddress, cookies[0], cancellationToken);
        foreach (var kind in new[] { HttpRequestKind.Read, HttpRequestKind.Write })
        {
            var name = $"{contestant.Kind}-{kind}".ToLowerInvariant();
            contestant.UseScript(kind, wrk.WriteCookieScript(name, SessionBenchmarkApp.MethodOf(kind), cookies));
        }

        await log.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"{contestant.Name}: app on {contestant.BaseAddress}, {cookies.Count:#,0} sessions seeded over HTTP in {stopwatch.Elapsed.TotalSeconds:0.0} s."));
    }

    private static async Task WarmUpAsync(
        IReadOnlyList<HttpContestant> contestants, IReadOnlyList<HttpCell> cells, WrkDriver wrk, TextWriter log, CancellationToken cancellationToken)
    {
        await log.WriteLineAsync("Warming up ...");
        foreach (var kind in cells.Select(c => c.Kind).Distinct())
        {
            foreach (var contestant in contestants)
            {
                _ = await wrk.RunAsync(contestant.UrlOf(kind), contestant.ScriptFor(kind), threads: 2, connections: 16, s_warmUp, cancellationToken);
            }
        }
    }

    /// <summary>
    /// One wrk run of one contestant in one cell. A MySQL contestant's table is first restamped (every session used just
    /// now, a full window ahead), so no run inherits sessions due for an extension; then the server's global counters are
    /// read around the run. The other apps are idle meanwhile, so the differences are this contestant's.
    /// </summary>
    private static async Task MeasureAsync(
        HttpCellResult result, MySqlConnection admin, ServerCounters counters, WrkDriver wrk, TimeSpan duration, CancellationToken cancellationToken)
    {
        var contestant = result.Contestant;
        ServerCounterSample? before = null;
        if (contestant.Table is { } table)
        {
            await TableSeeder.RestampAsync(admin, table, cancellationToken);
            before = await ServerCounterSample.ReadAsync(counters, cancellationToken);
        }

        GC.Collect();
        GC.WaitForPendingFinalizers();
        var run = await wrk.RunAsync(
            contestant.UrlOf(result.Cell.Kind), contestant.ScriptFor(result.Cell.Kind), result.Cell.Threads, result.Cell.Connections, duration, cancellationToken);
        var delta = before is null ? null : (await ServerCounterSample.ReadAsync(counters, cancellationToken)).Since(before);
        result.Add(run, delta);
    }

    private static List<string> Notes(BenchmarkSettings settings, ServerCounters counters, IReadOnlyList<HttpContestant> contestants)
    {
        var notes = new List<string>
        {
            $"The app: WebApplication.CreateBuilder on Kestrel (127.0.0.1), AddSession + UseSession with IdleTimeout {BenchmarkSettings.SlidingWindow.TotalMinutes:0} min, " +
            "ephemeral Data Protection keys; one app instance per contestant, all in the benchmark's process (workstation GC, as the micro-benchmark), started once and kept running. " +
            "The endpoints call ISession.LoadAsync first, as the session docs advise, so every store is reached through its async API.",
            "Logging: the apps' only logger provider discards everything but reports Information enabled, as a default app without an appsettings.json is. " +
            "So the stock DistributedSession reads the entry once more before every write, only to log \"Session started\": a write request is Get + Get + Set. " +
            "(The project templates' appsettings.json sets \"Microsoft.AspNetCore\": \"Warning\", which turns that extra Get off.)",
            string.Create(CultureInfo.InvariantCulture,
                $"Requests: read = GET /read with a seeded session's cookie (Get + Refresh); write = POST /write with a seeded session's cookie (Get, Get, Set); " +
                $"no session = GET /none without a cookie, as an anonymous visitor sends it: the middleware still calls Refresh on a fresh key at the end. " +
                $"{SeededSessions:#,0} sessions of 1 KB per contestant, made by calling POST /write without a cookie (16 at a time) and keeping the Set-Cookie values; " +
                $"wrk's Lua script picks one of them at random per request."),
            "statements/req: Com_select + Com_update + Com_insert + Com_delete, from SHOW GLOBAL STATUS read before and after each run, divided by the requests wrk completed; " +
            "Questions/req: every statement clients sent (including the harness's two SHOW GLOBAL STATUS per run); rows read/req: Innodb_rows_read where the server has it. " +
            "The other contestants are idle during a run, so the global counters are attributable (a DbiSessionCache sweeper of an idle app could add a DELETE; it runs every 5 min).",
            $"row writes/req: {counters.Description ?? "not readable on this server"}.",
            "Before each run of a MySQL contestant its table is restamped (every session used just now, a full window ahead), outside the counted interval, so no run inherits sessions due for a sliding extension.",
            "errors: non-2xx responses (a read that finds no session answers 404) plus wrk's socket errors, over all rounds; anything but 0 makes the row suspect.",
        };
        var failures = contestants.Select(c => c.Failures.Describe(c.Name)).OfType<string>().ToArray();
        notes.Add(failures.Length == 0
            ? "Inside the apps: no read found its session missing and nothing was logged at Error or above."
            : "Inside the apps (whole run, warm-up included): " + string.Join(" ", failures));
        if (contestants.All(c => c.Kind != HttpContestantKind.Redis))
        {
            notes.Add("The Redis cache column is missing: see the Redis line above.");
        }

        if (settings.Quick)
        {
            notes.Add("--quick: one round of short runs; read the ratios as a smoke test, not as a measurement.");
        }

        return notes;
    }
}
