using System.Diagnostics;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace SessionStore.Etcd.Tests;

/// <summary>
/// The etcd store's health check, metrics and traces, in the MySQL store's shape: the same meter and activity source
/// ("SessionStore"), the same instrument, with <c>db.system.name</c> etcd; a health check that tells a live etcd from none.
/// </summary>
public sealed class OperabilityTests(EtcdServerFixture etcd) : IClassFixture<EtcdServerFixture>
{
    [Fact]
    public async Task HealthCheck_IsHealthyOnALiveEtcd_AndUnhealthyWhenNothingAnswers()
    {
        Assert.Equal(HealthStatus.Healthy, await CheckAsync(etcd.Endpoint));

        // A port nothing listens on: the check must fail, within the request deadline.
        using var closed = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        Assert.Equal(HealthStatus.Unhealthy, await CheckAsync($"http://127.0.0.1:{port}"));
    }

    [Fact]
    public async Task Operations_RecordTheDurationMetric_AndATrace_TaggedEtcd()
    {
        var systems = new List<string?>();
        var operations = new List<string?>();
        using var meters = new MeterListener();
        meters.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == "SessionStore" && instrument.Name == "db.client.operation.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        meters.SetMeasurementEventCallback<double>((_, _, tags, _) =>
        {
            lock (systems)
            {
                foreach (var tag in tags)
                {
                    if (tag.Key == "db.system.name")
                    {
                        systems.Add(tag.Value as string);
                    }
                }
            }
        });
        meters.Start();
        using var activities = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "SessionStore",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (operations)
                {
                    operations.Add(activity.GetTagItem("db.operation.name") as string);
                }
            },
        };
        ActivitySource.AddActivityListener(activities);

        await using var provider = Services(etcd.Endpoint).BuildServiceProvider();
        var cache = provider.GetRequiredService<IDistributedCache>();
        var key = Guid.NewGuid().ToString();
        await cache.SetAsync(key, [1, 2, 3], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) });
        Assert.Equal([1, 2, 3], await cache.GetAsync(key));
        await cache.RemoveAsync(key);

        lock (systems)
        {
            Assert.True(systems.Count >= 3, $"{systems.Count} duration measurements for 3 operations");
            Assert.All(systems, system => Assert.Equal("etcd", system));
        }

        lock (operations)
        {
            Assert.Contains("set", operations);
            Assert.Contains("get", operations);
            Assert.Contains("remove", operations);
        }
    }

    private static async Task<HealthStatus> CheckAsync(string endpoint)
    {
        await using var provider = Services(endpoint).BuildServiceProvider();
        var report = await provider.GetRequiredService<HealthCheckService>().CheckHealthAsync();
        return report.Status;
    }

    private static ServiceCollection Services(string endpoint)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        services.AddEtcdSessionCache(o =>
        {
            o.Endpoints = [endpoint];
            o.KeyPrefix = $"ops-{Guid.NewGuid():N}/";
            o.RequestTimeout = TimeSpan.FromSeconds(1);
        });
        services.AddHealthChecks().AddEtcdSessionCache();
        return services;
    }
}
