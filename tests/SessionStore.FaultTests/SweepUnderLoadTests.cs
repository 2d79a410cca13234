using SessionStore.Testing;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionStore.IntegrationTests;

namespace SessionStore.FaultTests;

/// <summary>
/// The sweeper deletes a backlog of expired rows while requests read and write live entries: its batches must not make
/// those requests fail, nor take a live entry with them.
/// </summary>
public sealed class SweepUnderLoadTests(SessionTableFixture table, ITestOutputHelper output) : IClassFixture<SessionTableFixture>
{
    private const int ExpiredRows = 20_000;
    private const int RowsPerInsert = 2_000;
    private const int Workers = 6;
    private const int KeysPerWorker = 20;

    private static readonly TimeSpan s_warmUp = TimeSpan.FromSeconds(0.5);
    private static readonly TimeSpan s_baseline = TimeSpan.FromSeconds(2);
    private static readonly DistributedCacheEntryOptions s_oneHour = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) };

    [Fact]
    public async Task SweepOfManyExpiredRows_WhileALoadRuns_FailsNoOperation_KeepsEveryLiveEntry_AndLeavesNoExpiredRow()
    {
        var retries = new TransientRetryCounter();
        using var sut = table.CreateCache(services: s => s.AddSingleton<ILogger<DbiSessionCache>>(retries));
        var cache = sut.Provider.GetRequiredService<DbiSessionCache>();
        var prefix = Guid.NewGuid().ToString("N")[..8];
        var now = sut.Clock.GetUtcNow().UtcDateTime;
        await InsertExpiredRowsAsync(now);

        var phase = new Phase();
        using var stop = new CancellationTokenSource();
        var failures = new ConcurrentQueue<string>();
        var workers = Enumerable.Range(0, Workers)
            .Select(worker => Task.Run(() => WorkAsync(sut.Cache, $"{prefix}/{worker}", phase, failures, stop.Token)))
            .ToArray();

        await Task.Delay(s_warmUp);
        phase.Current = phase.Baseline;
        await Task.Delay(s_baseline);

        phase.Current = phase.Sweep;
        var clock = Stopwatch.StartNew();
        long deleted = 0;
        var sweeps = 0;
        while (sweeps < 10)
        {
            sweeps++;
            var swept = await cache.SweepExpiredAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
            Assert.NotNull(swept); // nobody else holds this table's sweep lock
            deleted += swept.Value;
            if (swept == 0)
            {
                break;
            }
        }

        var sweepTook = clock.Elapsed;
        phase.Current = phase.After;
        await Task.Delay(TimeSpan.FromSeconds(0.5));
        await stop.CancelAsync();
        await Task.WhenAll(workers).WaitAsync(TimeSpan.FromSeconds(30));

        var lostLive = 0;
        for (var worker = 0; worker < Workers; worker++)
        {
            for (var slot = 0; slot < KeysPerWorker; slot++)
            {
                if (await sut.Cache.GetAsync($"{prefix}/{worker}/{slot}") is null)
                {
                    lostLive++;
                }
            }
        }

        var rowsLeft = await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Table}`");
        var expiredLeft = await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Table}` WHERE expires_at <= @now", ("@now", now));

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"swept {deleted} expired rows in {sweeps} calls of SweepExpiredAsync, {sweepTook.TotalSeconds:0.00} s (batch 1000, pause 50 ms)"));
        output.WriteLine($"latency without the sweep: {phase.Baseline}");
        output.WriteLine($"latency during the sweep:  {phase.Sweep}");
        output.WriteLine($"latency after the sweep:   {phase.After}");
        output.WriteLine($"worker failures: {failures.Count}; transient retries: {retries}; live entries lost: {lostLive}; rows left {rowsLeft}, expired rows left {expiredLeft}");
        foreach (var failure in failures.Distinct().Take(10))
        {
            output.WriteLine("  " + failure);
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} operations failed during the sweep: {string.Join("; ", failures.Distinct().Take(5))}");
        Assert.True(phase.Sweep.Count > 0, "No operation ran during the sweep.");
        Assert.Equal(ExpiredRows, deleted);
        Assert.Equal(0, lostLive);
        Assert.Equal(0, expiredLeft);
        Assert.Equal(Workers * KeysPerWorker, rowsLeft);
    }

    private async Task InsertExpiredRowsAsync(DateTime now)
    {
        var expiredAt = (now - TimeSpan.FromHours(1)).ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        var lastActive = (now - TimeSpan.FromHours(2)).ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture);
        for (var inserted = 0; inserted < ExpiredRows; inserted += RowsPerInsert)
        {
            // Ids are random hex made here, so they can be literals; a multi-row INSERT takes 2 000 rows in one statement.
            var sql = new StringBuilder($"INSERT INTO `{table.Table}` (id, session_data, last_active, expires_at, sliding_window_us, absolute_expires_at) VALUES ");
            for (var row = 0; row < RowsPerInsert; row++)
            {
                var id = Convert.ToHexStringLower(Guid.NewGuid().ToByteArray()) + Convert.ToHexStringLower(Guid.NewGuid().ToByteArray())[..8];
                sql.Append(row == 0 ? "" : ",").Append(CultureInfo.InvariantCulture, $"('{id}', x'00', '{lastActive}', '{expiredAt}', NULL, '{expiredAt}')");
            }

            await table.ExecuteAsync(sql.ToString());
        }
    }

    private static async Task WorkAsync(IDistributedCache cache, string keyPrefix, Phase phase, ConcurrentQueue<string> failures, CancellationToken stop)
    {
        var clock = new Stopwatch();
        for (long sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            var key = $"{keyPrefix}/{sequence % KeysPerWorker}";
            var value = BitConverter.GetBytes(sequence);
            try
            {
                var latencies = phase.Current;
                clock.Restart();
                await cache.SetAsync(key, value, s_oneHour, CancellationToken.None); // in flight when the test stops: let it finish
                latencies?.Add(clock.Elapsed);

                latencies = phase.Current;
                clock.Restart();
                var read = await cache.GetAsync(key, CancellationToken.None);
                latencies?.Add(clock.Elapsed);
                if (read is null || !read.AsSpan().SequenceEqual(value))
                {
                    failures.Enqueue("A Get did not return what was just set.");
                }
            }
#pragma warning disable CA1031 // Every failure is recorded; none is allowed.
            catch (Exception exception)
#pragma warning restore CA1031
            {
                failures.Enqueue(Sql.Describe(exception));
            }
        }
    }

    /// <summary>Which latency list the workers add to; null during the warm-up.</summary>
    private sealed class Phase
    {
        private volatile Latencies? _current;

        public Latencies Baseline { get; } = new();

        public Latencies Sweep { get; } = new();

        public Latencies After { get; } = new();

        public Latencies? Current
        {
            get => _current;
            set => _current = value;
        }
    }
}
