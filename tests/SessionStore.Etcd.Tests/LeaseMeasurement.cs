using System.Diagnostics;
using dotnet_etcd;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.Logging.Abstractions;

namespace SessionStore.Etcd.Tests;

/// <summary>
/// The measurement behind shared lease buckets (README): Set throughput and the leases etcd holds, one lease per entry
/// against one per expiry minute; and Get throughput with linearizable against serializable reads. Each on a fresh etcd.
/// Run: dotnet test tests/SessionStore.Etcd.Tests --filter Category=Measurement --logger "console;verbosity=detailed"
/// </summary>
[Trait("Category", "Measurement")]
public sealed class LeaseMeasurement(ITestOutputHelper output)
{
    private const int Entries = 4000;
    private const int Concurrency = 16;

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Set_WithLeasePerEntryOrPerBucket(bool leasePerEntry)
    {
        var etcd = new EtcdServerFixture();
        try
        {
            await etcd.InitializeAsync();
            using var cache = new EtcdSessionCache(
                new EtcdSessionCacheOptions { Endpoints = [etcd.Endpoint] }, new EtcdClient(etcd.Endpoint), ownsClient: true,
                TimeProvider.System, NullLogger<EtcdSessionCache>.Instance, leasePerEntry);
            var value = new byte[1024];
            var sliding = new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(20) };
            await cache.SetAsync("warm-up", value, sliding);

            var next = 0;
            var stopwatch = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
            {
                while (Interlocked.Increment(ref next) <= Entries)
                {
                    await cache.SetAsync(Guid.NewGuid().ToString(), value, sliding);
                }
            }));
            var setsPerSecond = Entries / stopwatch.Elapsed.TotalSeconds;

            using var client = new EtcdClient(etcd.Endpoint);
            var leases = (await client.LeaseLeasesAsync(new Etcdserverpb.LeaseLeasesRequest(), null, null, default)).Leases.Count;
            var status = await client.StatusAsync(new Etcdserverpb.StatusRequest(), null, null, default);

            var keys = Enumerable.Range(0, 200).Select(i => $"read-{i}").ToArray();
            foreach (var key in keys)
            {
                await cache.SetAsync(key, value, sliding);
            }

            var rates = new List<string>();
            foreach (var serializable in new[] { false, true })
            {
                using var reader = new EtcdSessionCache(
                    new EtcdSessionCacheOptions { Endpoints = [etcd.Endpoint], SerializableReads = serializable }, new EtcdClient(etcd.Endpoint), ownsClient: true,
                    TimeProvider.System, NullLogger<EtcdSessionCache>.Instance);
                var reads = 0;
                stopwatch.Restart();
                await Task.WhenAll(Enumerable.Range(0, Concurrency).Select(async _ =>
                {
                    while (Interlocked.Increment(ref reads) <= Entries)
                    {
                        Assert.NotNull(await reader.GetAsync(keys[Random.Shared.Next(keys.Length)]));
                    }
                }));
                rates.Add($"{(serializable ? "serializable" : "linearizable")} Get/s {Entries / stopwatch.Elapsed.TotalSeconds:F0}");
            }

            output.WriteLine($"{(leasePerEntry ? "lease per entry" : "shared 1-minute buckets")}: {Entries} Sets of 1 KB, {Concurrency} concurrent: " +
                $"{setsPerSecond:F0} Set/s, {leases} leases in etcd, db size {status.DbSize / 1024} KiB; {string.Join(", ", rates)}");
        }
        finally
        {
            await etcd.DisposeAsync();
        }
    }
}
