using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using SessionStore.DevServer;

namespace SessionStore.Benchmarks;

/// <summary>
/// The whole run: find or start the servers, seed each table, run every workload with the contestants interleaved,
/// print the report, and stop what was started.
/// </summary>
internal static class BenchmarkRun
{
    private const long BufferPoolBytes = 2L * 1024 * 1024 * 1024;

    // Keys drawn from the 1M-row table: a uniform sample, so the harness does not hold a million key strings while it
    // measures; every one of them lives on its own leaf page anyway.
    private const int MillionRowKeySample = 100_000;

    private static readonly DistributedCacheEntryOptions s_sliding = new() { SlidingExpiration = BenchmarkSettings.SlidingWindow };

    public static async Task ExecuteAsync(BenchmarkSettings settings, TextWriter report, TextWriter log, CancellationToken cancellationToken)
    {
        var total = Stopwatch.StartNew();
        await log.WriteLineAsync("Finding or starting a MySQL-compatible server ...");
        await using var server = await MySqlDevServer.StartAsync(
            new MySqlDevServerOptions { Log = line => log.WriteLine("  " + line) }, cancellationToken);
        await log.WriteLineAsync($"  {server.Description}");

        var (redis, redisNote) = await RedisServerProcess.StartForBenchmarkAsync(cancellationToken);
        EtcdDevServer? etcd = null;
        try
        {
            await log.WriteLineAsync($"Redis: {redisNote}");
            (etcd, var etcdNote) = await StartEtcdAsync(log, cancellationToken);
            await log.WriteLineAsync($"etcd: {etcdNote}");
            await RunAsync(settings, server, redis, redisNote, etcd, etcdNote, report, log, total, cancellationToken);
        }
        finally
        {
            if (etcd is not null)
            {
                await etcd.DisposeAsync();
            }

            if (redis is not null)
            {
                await redis.DisposeAsync();
            }
        }
    }

    /// <summary>
    /// Finds or starts the etcd for the etcd store's contestant (SESSIONSTORE_ETCD, else a throwaway /usr/bin/etcd); returns it,
    /// or null when there is none, and in either case the note the report prints after "etcd: ".
    /// </summary>
    private static async Task<(EtcdDevServer? Etcd, string Note)> StartEtcdAsync(TextWriter log, CancellationToken cancellationToken)
    {
        try
        {
            var etcd = await EtcdDevServer.StartAsync(new EtcdDevServerOptions { Log = line => log.WriteLine("  " + line) }, cancellationToken);
            return (etcd, $"{etcd.Description}, through EtcdSessionCache with its defaults (linearizable reads, lazy sliding)");
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException)
        {
            var reason = ex.Message.Split('\n')[0].Trim();
            return (null, $"skipped: {reason} Debian/Ubuntu: sudo apt-get install etcd-server. The etcd store column is missing");
        }
    }

    private static async Task RunAsync(
        BenchmarkSettings settings, MySqlDevServer server, RedisServerProcess? redis, string redisNote, EtcdDevServer? etcd, string etcdNote,
        TextWriter report, TextWriter log, Stopwatch total, CancellationToken cancellationToken)
    {
        await using var admin = new MySqlConnection(server.ConnectionString);
        await admin.OpenAsync(cancellationToken);
        var bufferPoolNote = server.Source == MySqlDevServerSource.EnvironmentVariable
            ? $"innodb_buffer_pool_size {await ServerSetup.ScalarInt64Async(admin, "SELECT @@innodb_buffer_pool_size", cancellationToken) / (1024 * 1024)} MiB (your server, left as it is)"
            : await ServerSetup.EnsureBufferPoolAsync(admin, BufferPoolBytes, cancellationToken);
        await log.WriteLineAsync(bufferPoolNote);
        var harness = string.Create(
            CultureInfo.InvariantCulture,
            $"{(settings.Quick ? "--quick" : "full run")}{(settings.Filter is null ? string.Empty : $", --filter \"{settings.Filter}\"")}; " +
            $"per workload and contestant {settings.WarmUp.TotalSeconds:0.#} s warm-up, then {settings.Rounds} rounds of {settings.RoundDuration.TotalSeconds:0.#} s, " +
            $"round-robin with the order rotating each round; closed loop, c workers each with one operation in flight; async API throughout; " +
            $"sliding window {BenchmarkSettings.SlidingWindow.TotalMinutes:0} min");
        var facts = await MachineFacts.CollectAsync(
            admin, server, bufferPoolNote,
            "given to the cache as its Dsn and used by the plain-SQL contestants; the limit adds Connection Reset=false (no reset round trip " +
            "when a pooled connection is handed out), \"plain SQL, reset per checkout\" keeps MySqlConnector's default",
            redisNote, harness, cancellationToken);
        var useRowAlias = SqlText.SupportsRowAlias(admin.ServerVersion);
        var schema = TableSeeder.LoadSchema();
        var counters = new ServerCounters(admin);
        var runner = new InterleavedRunner(settings, counters);

        // The cache gets the server's connection string as a user would write it, and runs with its own defaults. The limit
        // gets the same string with Connection Reset=false, the fastest a pooled plain driver goes (and what the cache's
        // own pool uses unless the DSN says otherwise); the default pool, which resets each connection on checkout, runs
        // the Get workloads for context.
        var limitConnectionString = new MySqlConnectionStringBuilder(server.ConnectionString) { ConnectionReset = false }.ConnectionString;
        await using var limitDataSource = new MySqlDataSource(limitConnectionString);
        await using var resettingDataSource = new MySqlDataSource(server.ConnectionString);
        await using var redisServices = redis is null
            ? null
            : new ServiceCollection()
                .AddStackExchangeRedisCache(o =>
                {
                    o.Configuration = redis.Endpoint;
                    o.InstanceName = "bench:";
                })
                .BuildServiceProvider();
        var redisCache = redisServices?.GetRequiredService<IDistributedCache>();

        // A prefix of the run's own, so that an etcd from SESSIONSTORE_ETCD keeps other runs' entries apart.
        await using var etcdServices = etcd is null
            ? null
            : new ServiceCollection()
                .AddEtcdSessionCache(o =>
                {
                    o.Endpoints = [.. etcd.Endpoints];
                    o.KeyPrefix = $"bench-{Guid.NewGuid():N}/";
                })
                .BuildServiceProvider();
        var etcdCache = etcdServices?.GetRequiredService<IDistributedCache>();
        var otherStores = new List<(string Name, IDistributedCache Cache)>();
        if (redisCache is not null)
        {
            otherStores.Add(("Redis", redisCache));
        }

        if (etcdCache is not null)
        {
            otherStores.Add(("etcd", etcdCache));
        }

        var values = new BenchmarkValues();
        var results = new List<WorkloadResult>();
        var notes = new List<string>
        {
            $"etcd: {etcdNote}.",
            "Before each workload every row of the table is restamped as used just now with a full window ahead (sessions in active use), " +
            "so a workload's row writes are only the extensions that it makes itself.",
        };
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var datasets = new List<(string Tag, int Rows)> { ("10k", BenchmarkSettings.SmallRowCount) };
        if (settings.IncludeMillionRows)
        {
            datasets.Add(("1m", BenchmarkSettings.LargeRowCount));
        }

        // The 10k-row table and its cache stay until the end: the 1M-row Get workloads run on both sizes in the same rounds.
        var tables = new List<string>();
        var cacheServices = new List<ServiceProvider>();
        Dataset? smallDataset = null;
        IDistributedCache? smallCache = null;
        try
        {
            foreach (var (tag, rows) in datasets)
            {
                var needed = Plan(new Dataset(tag, string.Empty, rows, [string.Empty], [])).Any(settings.Includes)
                    || (tag == "10k" && datasets.Count > 1 && Plan(new Dataset("1m", string.Empty, 0, [string.Empty], [])).Any(settings.Includes));
                if (!needed)
                {
                    continue;
                }

                var table = $"bench_{tag}_{suffix}";
                tables.Add(table);
                var dataset = await SeedAsync(admin, schema, table, tag, rows, values, otherStores, log, cancellationToken);
                var dbiServices = new ServiceCollection()
                    .AddDbiSessionCache(o =>
                    {
                        o.Dsn = server.ConnectionString;
                        o.Table = table;
                        BenchmarkSettings.TuneCoalescing(o);
                    })
                    .BuildServiceProvider();
                cacheServices.Add(dbiServices);
                var dbiCache = dbiServices.GetRequiredService<IDistributedCache>();
                var uncoalescedServices = new ServiceCollection()
                    .AddDbiSessionCache(o =>
                    {
                        o.Dsn = server.ConnectionString;
                        o.Table = table;
                        o.CoalesceOperations = false;
                    })
                    .BuildServiceProvider();
                cacheServices.Add(uncoalescedServices);
                var contestants = new List<Contestant>
                {
                    new PlainDriverContestant(ContestantKind.Limit, "limit: plain SQL", limitDataSource, table, useRowAlias),
                    new PlainDriverContestant(
                        ContestantKind.PlainWithReset, "plain SQL, reset per checkout", resettingDataSource, table, useRowAlias,
                        scope: static w => w.Operation == Operation.Get && !w.UsesLargeValues && w.Concurrency <= 16 && w.Dataset.Tag == "10k"),
                    new DistributedCacheContestant(ContestantKind.DbiSessionCache, "DbiSessionCache", dbiCache, usesMySql: true),
                    new ScopedContestant(
                        new DistributedCacheContestant(
                            ContestantKind.DbiSessionCacheUncoalesced, "DbiSessionCache, coalescing off",
                            uncoalescedServices.GetRequiredService<IDistributedCache>(), usesMySql: true),
                        static w => w.Concurrency > 1 && !w.UsesLargeValues),
                };
                if (redisCache is not null)
                {
                    contestants.Add(new DistributedCacheContestant(ContestantKind.Redis, "Redis cache", redisCache, usesMySql: false));
                }

                if (etcdCache is not null)
                {
                    contestants.Add(new DistributedCacheContestant(ContestantKind.Etcd, "etcd store", etcdCache, usesMySql: false));
                }

                if (smallDataset is not null)
                {
                    static bool SmallValueGets(Workload w) => w.Operation == Operation.Get && !w.UsesLargeValues;
                    contestants.Add(new PlainDriverContestant(
                        ContestantKind.LimitOnSmallTable, "limit: plain SQL, on the 10k-row table", limitDataSource, smallDataset.Table, useRowAlias, SmallValueGets)
                    { FixedDataset = smallDataset });
                    contestants.Add(new ScopedContestant(
                        new DistributedCacheContestant(
                            ContestantKind.DbiSessionCacheOnSmallTable, "DbiSessionCache, on the 10k-row table", smallCache!, usesMySql: true),
                        SmallValueGets)
                    { FixedDataset = smallDataset });
                }

                await VerifyAsync(contestants, dataset, values, cancellationToken);
                foreach (var workload in Plan(dataset).Where(settings.Includes))
                {
                    var restamp = Stopwatch.StartNew();
                    await TableSeeder.RestampAsync(admin, table, cancellationToken);
                    if (smallDataset is not null)
                    {
                        await TableSeeder.RestampAsync(admin, smallDataset.Table, cancellationToken);
                    }

                    GC.Collect();
                    GC.WaitForPendingFinalizers();
                    await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"{workload} (restamp {restamp.Elapsed.TotalSeconds:0.0} s) ..."));
                    var writeValue = workload.UsesLargeValues ? values.LargeWrite : values.SmallWrite;
                    var result = await runner.RunAsync(workload, contestants, writeValue, cancellationToken);
                    results.Add(result);
                    foreach (var contestant in result.Contestants)
                    {
                        await log.WriteLineAsync("  " + ReportWriter.FormatRow(workload, contestant));
                    }
                }

                if (tag == "10k")
                {
                    smallDataset = dataset;
                    smallCache = dbiCache;
                }
            }
        }
        finally
        {
            foreach (var services in cacheServices)
            {
                await services.DisposeAsync();
            }

            foreach (var table in tables)
            {
                await TableSeeder.DropTableAsync(admin, table, CancellationToken.None);
            }
        }

        notes.Insert(0, $"row writes/op: {counters.Description ?? "not readable on this server"}, during the contestant's rounds, per operation.");
        new ReportWriter(report, results).Write(facts, notes, total.Elapsed);
    }

    private static IEnumerable<Workload> Plan(Dataset dataset)
    {
        const int Small = BenchmarkSettings.SmallValueSize;
        const int Large = BenchmarkSettings.LargeValueSize;
        if (dataset.Tag != "10k")
        {
            // At 1M rows: what the row count can change, a PK lookup's depth and cache misses.
            yield return new Workload(Operation.Get, Small, 1, dataset);
            yield return new Workload(Operation.Get, Small, 16, dataset);
            yield return new Workload(Operation.SessionRead, Small, 1, dataset);
            yield break;
        }

        yield return new Workload(Operation.Get, Small, 1, dataset);
        yield return new Workload(Operation.Get, Small, 16, dataset);
        yield return new Workload(Operation.Get, Small, 64, dataset);
        yield return new Workload(Operation.TryGet, Small, 1, dataset);
        yield return new Workload(Operation.Get, Large, 1, dataset);
        yield return new Workload(Operation.Get, Large, 16, dataset);
        yield return new Workload(Operation.Set, Small, 1, dataset);
        yield return new Workload(Operation.Set, Small, 16, dataset);
        yield return new Workload(Operation.Set, Small, 64, dataset);
        yield return new Workload(Operation.Set, Large, 1, dataset);
        yield return new Workload(Operation.Set, Large, 16, dataset);
        yield return new Workload(Operation.SessionRead, Small, 1, dataset);
        yield return new Workload(Operation.SessionRead, Small, 16, dataset);
        yield return new Workload(Operation.SessionWrite, Small, 1, dataset);
        yield return new Workload(Operation.SessionWrite, Small, 16, dataset);
    }

    private static async Task<Dataset> SeedAsync(
        MySqlConnection admin, string schema, string table, string tag, int rows, BenchmarkValues values,
        IReadOnlyList<(string Name, IDistributedCache Cache)> otherStores, TextWriter log, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var largeCount = tag == "10k" ? BenchmarkSettings.LargeValueRowCount : 0;
        await TableSeeder.CreateTableAsync(admin, schema, table, cancellationToken);
        var ids = new string[rows];
        for (var i = 0; i < rows; i++)
        {
            ids[i] = KeyDigest.Of(Dataset.KeyFor(tag, i));
        }

        await TableSeeder.InsertAsync(admin, table, ids, values.Small, rowsPerStatement: 500, cancellationToken);
        ids = null; // A million digests (about 100 MB) need not outlive the seeding, nor stay in the heap being measured.
        var largeKeys = Enumerable.Range(0, largeCount).Select(i => Dataset.LargeKeyFor(tag, i)).ToArray();
        await TableSeeder.InsertAsync(admin, table, Array.ConvertAll(largeKeys, KeyDigest.Of), values.Large, rowsPerStatement: 8, cancellationToken);
        await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Seeded {table}: {rows:#,0} rows of 1 KB + {largeCount} of 256 KB in {stopwatch.Elapsed.TotalSeconds:0.0} s."));

        // Redis and etcd get the same entries through their caches' own SetAsync, so each stores them in its own format.
        foreach (var (name, cache) in otherStores)
        {
            stopwatch.Restart();
            await Parallel.ForEachAsync(
                Enumerable.Range(0, rows),
                new ParallelOptions { MaxDegreeOfParallelism = 64, CancellationToken = cancellationToken },
                async (i, token) => await cache.SetAsync(Dataset.KeyFor(tag, i), values.Small, s_sliding, token));
            foreach (var key in largeKeys)
            {
                await cache.SetAsync(key, values.Large, s_sliding, cancellationToken);
            }

            await log.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"Seeded {name} with the same entries in {stopwatch.Elapsed.TotalSeconds:0.0} s."));
        }

        string[] keys;
        if (rows <= MillionRowKeySample)
        {
            keys = Enumerable.Range(0, rows).Select(i => Dataset.KeyFor(tag, i)).ToArray();
        }
        else
        {
#pragma warning disable CA5394 // Sampling benchmark keys, not secrets.
            var random = new Random(42);
            keys = Enumerable.Range(0, MillionRowKeySample).Select(_ => Dataset.KeyFor(tag, random.Next(rows))).ToArray();
#pragma warning restore CA5394
        }

        GC.Collect();
        return new Dataset(tag, table, rows, keys, largeKeys);
    }

    /// <summary>
    /// Before anything is measured, every contestant must find a seeded entry with its exact bytes; otherwise the run would
    /// time misses (for example if the cache's key digest stopped matching the one the table was seeded with).
    /// </summary>
    private static async Task VerifyAsync(IReadOnlyList<Contestant> contestants, Dataset dataset, BenchmarkValues values, CancellationToken cancellationToken)
    {
        var probes = new List<(Workload Workload, byte[] Expected)> { (new Workload(Operation.TryGet, BenchmarkSettings.SmallValueSize, 1, dataset), values.Small) };
        if (dataset.LargeKeys.Count > 0)
        {
            probes.Add((new Workload(Operation.TryGet, BenchmarkSettings.LargeValueSize, 1, dataset), values.Large));
        }

        foreach (var contestant in contestants)
        {
            foreach (var (workload, expected) in probes)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var worker = new WorkerContext(workload, contestant.FixedDataset ?? dataset, expected, seed: 7);
                worker.NextEntry();
                var operation = contestant.Supports(workload) ? Operation.TryGet : Operation.Get;
                var found = await contestant.ExecuteAsync(operation, worker);
                if (!found || (operation == Operation.TryGet && !worker.Writer.WrittenSpan.SequenceEqual(expected)))
                {
                    throw new InvalidOperationException(
                        $"{contestant.Name} did not return the seeded {workload.ValueLabel} entry in table {dataset.Table}. The table is seeded " +
                        "under ids computed as the README documents (first 160 bits of SHA-256 of the key's UTF-8, lowercase hex); if the " +
                        "cache's key storage changed, update KeyDigest.");
                }
            }
        }
    }
}
