using SessionStore.Testing;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SessionStore.IntegrationTests;

namespace SessionStore.FaultTests;

/// <summary>Many writers on one key: the upserts collide on one row (and, while it does not exist yet, on its gap).</summary>
public sealed class ContentionTests(SessionTableFixture table, ITestOutputHelper output) : IClassFixture<SessionTableFixture>
{
    private const int Writers = 64;
    private const int SetsPerWriter = 30;

    [Fact]
    public async Task SixtyFourWritersOnOneKey_NoErrorEscapes_AndTheFinalValueIsOneThatWasWritten()
    {
        var retries = new TransientRetryCounter();
        using var sut = table.CreateCache(services: s => s.AddSingleton<ILogger<DbiSessionCache>>(retries));
        await sut.Cache.SetAsync("bind", [0], new DistributedCacheEntryOptions()); // binds the table outside the race
        var key = Guid.NewGuid().ToString("N");
        var written = new ConcurrentDictionary<string, bool>(StringComparer.Ordinal);
        var failures = new ConcurrentQueue<string>();
        var strangeReads = new ConcurrentQueue<string>();
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var setLatencies = new Latencies();
        var getLatencies = new Latencies();

        var writers = Enumerable.Range(0, Writers).Select(writer => Task.Run(async () =>
        {
            await start.Task;
            var clock = new Stopwatch();
            for (var i = 0; i < SetsPerWriter; i++)
            {
                var value = $"{writer}:{i}";
                written[value] = true; // before the Set: another writer's Get may see it before our Set returns
                try
                {
                    clock.Restart();
                    await sut.Cache.SetAsync(key, Encoding.UTF8.GetBytes(value), new DistributedCacheEntryOptions());
                    setLatencies.Add(clock.Elapsed);
                    clock.Restart();
                    var read = await sut.Cache.GetAsync(key);
                    getLatencies.Add(clock.Elapsed);
                    if (read is null || !written.ContainsKey(Encoding.UTF8.GetString(read)))
                    {
                        strangeReads.Enqueue(read is null ? "nothing" : Encoding.UTF8.GetString(read));
                    }
                }
#pragma warning disable CA1031 // Every failure is recorded; none may escape.
                catch (Exception exception)
#pragma warning restore CA1031
                {
                    failures.Enqueue(Sql.Describe(exception));
                }
            }
        })).ToArray();

        var clock = Stopwatch.StartNew();
        start.SetResult();
        await Task.WhenAll(writers).WaitAsync(TimeSpan.FromSeconds(60));
        var elapsed = clock.Elapsed;
        var final = await sut.Cache.GetAsync(key);

        output.WriteLine($"{Writers} writers × {SetsPerWriter} Set+Get on one key: {elapsed.TotalSeconds:0.00} s; failures {failures.Count}; reads of unwritten values {strangeReads.Count}; transient retries: {retries}");
        output.WriteLine($"Set: {setLatencies}");
        output.WriteLine($"Get: {getLatencies}");
        foreach (var failure in failures.GroupBy(f => f))
        {
            output.WriteLine($"  {failure.Key} × {failure.Count()}");
        }

        Assert.True(failures.IsEmpty, $"{failures.Count} errors escaped: {string.Join("; ", failures.Distinct().Take(5))}");
        Assert.True(strangeReads.IsEmpty, $"Gets returned values nobody wrote: {string.Join("; ", strangeReads.Take(5))}");
        Assert.NotNull(final);
        Assert.True(written.ContainsKey(Encoding.UTF8.GetString(final)), "The final value is not one that was written.");
    }
}
