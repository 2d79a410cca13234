using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionStore.IntegrationTests;

/// <summary>Metrics, traces and the health check, read with the BCL's own listeners after real operations.</summary>
public sealed class ObservabilityTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private static readonly DistributedCacheEntryOptions s_sliding = new() { SlidingExpiration = TimeSpan.FromMinutes(20) };

    [Fact]
    public async Task Metrics_CountHitsMissesDurationsAndExtensions_ForThisTable()
    {
        using var sut = table.CreateCache();
        var tableName = table.Table;
        using var metrics = new RecordedMetrics(tableName);
        var key = Guid.NewGuid().ToString();

        await sut.Cache.SetAsync(key, [1], s_sliding);
        await sut.Cache.GetAsync(key);
        await sut.Cache.GetAsync("missing-" + key);
        await sut.Cache.RefreshAsync(key);                 // right after a Get: read, not due
        sut.Clock.Advance(TimeSpan.FromMinutes(3));
        await sut.Cache.RefreshAsync(key);                 // due: one row write

        Assert.Equal(1, metrics.Sum("sessionstore.cache.lookups", "sessionstore.cache.result", "hit"));
        Assert.Equal(1, metrics.Sum("sessionstore.cache.lookups", "sessionstore.cache.result", "miss"));
        Assert.Equal(1, metrics.Sum("sessionstore.sliding.extensions", "sessionstore.extension.outcome", "written"));
        Assert.Equal(2, metrics.Sum("sessionstore.sliding.extensions", "sessionstore.extension.outcome", "not_due")); // the Get and the first Refresh
        Assert.Equal(2, metrics.Count("db.client.operation.duration", "db.operation.name", "get"));
        Assert.Equal(1, metrics.Count("db.client.operation.duration", "db.operation.name", "set"));
        Assert.Equal(2, metrics.Count("db.client.operation.duration", "db.operation.name", "refresh"));
        // mariadb here; mysql where the tests run on MySQL (Testcontainers).
        var version = await table.ScalarAsync<string>("SELECT VERSION()");
        var expectedSystem = version!.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? "mariadb" : "mysql";
        Assert.All(metrics.Tags("db.client.operation.duration", "db.system.name"), system => Assert.Equal(expectedSystem, system));
        Assert.True(metrics.Values("db.client.operation.duration").All(seconds => seconds is > 0 and < 60));
        Assert.DoesNotContain(metrics.AllTagValues(), value => value.Contains(key, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_RecordFailuresWithTheirErrorType()
    {
        var missing = "nowhere_" + Guid.NewGuid().ToString("N")[..8];
        using var sut = table.CreateCache(o => o.Table = missing);
        using var metrics = new RecordedMetrics(missing);

        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Cache.GetAsync("k"));

        Assert.Equal(["System.InvalidOperationException"], metrics.Tags("db.client.operation.duration", "error.type"));
    }

    [Fact]
    public async Task Sweep_IsCountedAndTheEntriesGaugeReportsTheTable()
    {
        var name = "observed_" + Guid.NewGuid().ToString("N")[..10];
        await table.ExecuteAsync(Sql.SqlStatements.CreateTableDdl(Sql.TableName.Parse(name)));
        using var sut = table.CreateCache(o => o.Table = name);
        using var metrics = new RecordedMetrics(name);
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i => sut.Cache.SetAsync($"k{i}", [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) })));
        await sut.Cache.SetAsync("live", [1], s_sliding);
        await table.ExecuteAsync($"ANALYZE TABLE `{name}`");
        sut.Clock.Advance(TimeSpan.FromMinutes(2));

        await sut.Provider.GetRequiredService<DbiSessionCache>().SweepExpiredAsync(CancellationToken.None);
        metrics.RecordObservables();

        Assert.Equal(12, metrics.Sum("sessionstore.sweep.deleted"));
        Assert.Equal(1, metrics.Count("sessionstore.sweep.duration"));
        Assert.NotEmpty(metrics.Values("sessionstore.entries"));
        await table.ExecuteAsync($"DROP TABLE `{name}`");
    }

    [Fact]
    public async Task Traces_HaveOneClientActivityPerOperation_WithTheTableAndNoKey()
    {
        using var sut = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        var activities = new List<Activity>();
        using var parent = new Activity("test").Start();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "SessionStore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == parent.TraceId)
                {
                    lock (activities)
                    {
                        activities.Add(activity);
                    }
                }
            },
        };
        ActivitySource.AddActivityListener(listener);

        await sut.Cache.SetAsync(key, [1], s_sliding);
        await sut.Cache.GetAsync(key);
        await sut.Cache.RemoveAsync(key);

        Assert.Equal([$"set {table.Table}", $"get {table.Table}", $"remove {table.Table}"], activities.Select(a => a.DisplayName));
        Assert.All(activities, a =>
        {
            Assert.Equal(ActivityKind.Client, a.Kind);
            Assert.Equal(table.Table, a.GetTagItem("db.collection.name"));
            Assert.DoesNotContain(a.TagObjects, tag => tag.Value?.ToString()?.Contains(key, StringComparison.Ordinal) == true);
        });
    }

    [Fact]
    public async Task HealthCheck_IsHealthyOnAGoodTable_UnhealthyOnAMissingOne()
    {
        using var good = table.CreateCache(services: services => services.AddLogging().AddHealthChecks().AddDbiSessionCache());
        using var bad = table.CreateCache(
            o => o.Table = "absent_" + Guid.NewGuid().ToString("N")[..8],
            services => services.AddLogging().AddHealthChecks().AddDbiSessionCache(tags: ["ready"]));

        var healthy = await good.Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        var unhealthy = await bad.Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Healthy, healthy.Status);
        Assert.Equal("ExpiryColumns", healthy.Entries["sessionstore"].Data["layout"]);
        Assert.Equal(HealthStatus.Unhealthy, unhealthy.Status);
        Assert.Contains("does not exist", unhealthy.Entries["sessionstore"].Description, StringComparison.Ordinal);
        Assert.Contains("ready", unhealthy.Entries["sessionstore"].Tags);
    }

    [Fact]
    public async Task HealthCheck_AfterAFailedSweep_IsDegraded()
    {
        using var sut = table.CreateCache(services: services => services.AddLogging().AddHealthChecks().AddDbiSessionCache());
        var cache = sut.Provider.GetRequiredService<DbiSessionCache>();
        await sut.Cache.GetAsync("bind");

        cache.RecordSweepOutcome(new TimeoutException("simulated"));
        var degraded = await sut.Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        cache.RecordSweepOutcome(null);
        var healthy = await sut.Provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();

        Assert.Equal(HealthStatus.Degraded, degraded.Status);
        Assert.Contains("last sweep of expired entries failed", degraded.Entries["sessionstore"].Description, StringComparison.Ordinal);
        Assert.Equal(HealthStatus.Healthy, healthy.Status);
    }

    /// <summary>Collects every SessionStore measurement whose db.collection.name is the given table.</summary>
    private sealed class RecordedMetrics : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly List<(string Instrument, double Value, Dictionary<string, string?> Tags)> _measurements = [];

        public RecordedMetrics(string table)
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == "SessionStore")
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(table, instrument, value, tags));
            _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(table, instrument, value, tags));
            _listener.Start();
        }

        public void RecordObservables() => _listener.RecordObservableInstruments();

        public double Sum(string instrument, string? tag = null, string? value = null) => Select(instrument, tag, value).Sum(m => m.Value);

        public int Count(string instrument, string? tag = null, string? value = null) => Select(instrument, tag, value).Count;

        public List<double> Values(string instrument) => Select(instrument, null, null).Select(m => m.Value).ToList();

        public List<string?> Tags(string instrument, string tag) =>
            Select(instrument, null, null).Where(m => m.Tags.ContainsKey(tag)).Select(m => m.Tags[tag]).ToList();

        public List<string> AllTagValues()
        {
            lock (_measurements)
            {
                return _measurements.SelectMany(m => m.Tags.Values).OfType<string>().ToList();
            }
        }

        public void Dispose() => _listener.Dispose();

        private List<(string Instrument, double Value, Dictionary<string, string?> Tags)> Select(string instrument, string? tag, string? value)
        {
            lock (_measurements)
            {
                return _measurements
                    .Where(m => m.Instrument == instrument && (tag is null || (m.Tags.TryGetValue(tag, out var v) && v == value)))
                    .ToList();
            }
        }

        private void Add(string table, Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        {
            var dictionary = new Dictionary<string, string?>();
            foreach (var tag in tags)
            {
                dictionary[tag.Key] = tag.Value?.ToString();
            }

            if (dictionary.GetValueOrDefault("db.collection.name") != table)
            {
                return;
            }

            lock (_measurements)
            {
                _measurements.Add((instrument.Name, value, dictionary));
            }
        }
    }
}
