using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using MySqlConnector;

namespace SessionStore.IntegrationTests;

public sealed class ExpiredEntrySweepTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private static readonly DistributedCacheEntryOptions s_oneMinute = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) };
    private static readonly DistributedCacheEntryOptions s_oneHour = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) };

    private async Task<string> NewTableAsync()
    {
        var name = "sweep_" + Guid.NewGuid().ToString("N")[..12];
        await table.ExecuteAsync(Sql.SqlStatements.CreateTableDdl(Sql.TableName.Parse(name)));
        return name;
    }

    [Fact]
    public async Task Sweep_DeletesExpiredRowsOnly()
    {
        var name = await NewTableAsync();
        using var sut = table.CreateCache(o =>
        {
            o.Table = name;
            o.SweepBatchSize = 7;
        });
        await Task.WhenAll(Enumerable.Range(0, 30).Select(i => sut.Cache.SetAsync($"old-{i}", [1], s_oneMinute)));
        await sut.Cache.SetAsync("live", [2], s_oneHour);
        sut.Clock.Advance(TimeSpan.FromMinutes(2));

        var deleted = await sut.Provider.GetRequiredService<DbiSessionCache>().SweepExpiredAsync(CancellationToken.None);

        Assert.Equal(30, deleted);
        Assert.Equal(1L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{name}`"));
        Assert.Equal([2], await sut.Cache.GetAsync("live"));
    }

    [Fact]
    public async Task Sweep_WhileAnotherServerHoldsTheLock_IsSkipped_AndRunsOnceItIsFree()
    {
        var name = await NewTableAsync();
        using var first = table.CreateCache(o => o.Table = name);
        using var second = table.CreateCache(o => o.Table = name);
        await first.Cache.SetAsync("old", [1], s_oneMinute);
        first.Clock.Advance(TimeSpan.FromMinutes(2));
        second.Clock.Advance(TimeSpan.FromMinutes(2));
        var firstCache = first.Provider.GetRequiredService<DbiSessionCache>();
        var secondCache = second.Provider.GetRequiredService<DbiSessionCache>();

        // Hold the lock as the first server would during a sweep, by taking it on a connection of our own.
        await firstCache.SweepExpiredAsync(CancellationToken.None); // binds; deletes the row
        await first.Cache.SetAsync("old-again", [1], s_oneMinute);
        first.Clock.Advance(TimeSpan.FromMinutes(2));
        second.Clock.Advance(TimeSpan.FromMinutes(2));
        await using var holder = new MySqlConnection(table.ConnectionString);
        await holder.OpenAsync();
        var lockName = await LockNameAsync(holder, name);
        await using (var take = new MySqlCommand("SELECT GET_LOCK(@n, 0)", holder))
        {
            take.Parameters.AddWithValue("@n", lockName);
            Assert.Equal(1L, Convert.ToInt64(await take.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.Null(await secondCache.SweepExpiredAsync(CancellationToken.None));
        Assert.Equal(1L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{name}`"));

        await using (var release = new MySqlCommand("DO RELEASE_LOCK(@n)", holder))
        {
            release.Parameters.AddWithValue("@n", lockName);
            await release.ExecuteNonQueryAsync();
        }

        Assert.Equal(1, await secondCache.SweepExpiredAsync(CancellationToken.None));
    }

    [Fact]
    public async Task HostedSweeper_RunsOnItsInterval_AndSurvivesFailures()
    {
        var name = await NewTableAsync();
        using var sut = table.CreateCache(o =>
        {
            o.Table = name;
            o.SweepInterval = TimeSpan.FromMinutes(1);
        });
        var sweeper = sut.Provider.GetServices<IHostedService>().OfType<BackgroundService>().Single();
        await sut.Cache.SetAsync("old", [1], s_oneMinute);
        await sweeper.StartAsync(CancellationToken.None);
        try
        {
            // The sweep waits on the fake clock, from a thread of its own (.NET 10 runs ExecuteAsync on the thread pool):
            // keep moving the clock past the interval until the sweep has run.
            await WaitUntilAsync(async () =>
            {
                sut.Clock.Advance(TimeSpan.FromMinutes(2));
                return await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{name}`") == 0;
            });

            // A failing round (the table is gone) is logged, not thrown; the service keeps running.
            await table.ExecuteAsync($"DROP TABLE `{name}`");
            for (var round = 0; round < 5; round++)
            {
                sut.Clock.Advance(TimeSpan.FromMinutes(2));
                await Task.Delay(100);
            }

            Assert.False(sweeper.ExecuteTask!.IsCompleted);
        }
        finally
        {
            await sweeper.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public void SweepOptions_OutOfRange_AreRefusedAtStartup()
    {
        var failure = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(() => table.CreateCache(o =>
        {
            o.SweepInterval = TimeSpan.FromMilliseconds(10);
            o.SweepBatchSize = 0;
        }).Cache);

        Assert.Contains(failure.Failures, f => f.StartsWith("SweepInterval must be at least one second", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, f => f.StartsWith("SweepBatchSize must be from 1 to 100000", StringComparison.Ordinal));
    }

    private static async Task<string> LockNameAsync(MySqlConnection connection, string tableName)
    {
        var qualified = connection.Database + "." + tableName;
        var digest = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(qualified)).AsSpan(0, 16));
        await Task.CompletedTask;
        return "sessionstore.sweep." + digest;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        // Waits for background work to happen, up to 10 s; not a timing assertion.
        for (var i = 0; i < 100; i++)
        {
            if (await condition())
            {
                return;
            }

            await Task.Delay(100);
        }

        Assert.Fail("The condition did not become true within 10 seconds.");
    }
}
