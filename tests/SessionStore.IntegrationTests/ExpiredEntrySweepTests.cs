using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace SessionStore.IntegrationTests;

public sealed class ExpiredEntrySweepTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private static readonly DistributedCacheEntryOptions s_oneMinute = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) };
    private static readonly DistributedCacheEntryOptions s_oneHour = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) };

    // A session as Dancer::Session::DBI writes it: Dancer's own id (digits from build_id) and its JSON document.
    private const string DancerId = "417293061850413227693841";
    private const string DancerDocument = "{\"id\":\"417293061850413227693841\",\"user\":\"alice\"}";

    /// <summary>The Perl ancestor's table with <c>last_active</c>, as a Dancer app and the cache share it.</summary>
    private async Task<string> NewLastActiveTableAsync()
    {
        var name = "sweep_legacy_" + Guid.NewGuid().ToString("N")[..12];
        await table.ExecuteAsync(
            $"CREATE TABLE `{name}` (id CHAR(40) PRIMARY KEY, session_data TEXT, last_active TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP)");
        return name;
    }

    /// <summary>A plain INSERT, as the Perl app makes it: a JSON document the cache cannot read, last active a while ago.</summary>
    private Task InsertAsAnotherAppAsync(string name, string id, TimeSpan idleFor, DateTimeOffset now) => table.ExecuteAsync(
        $"SET time_zone = '+00:00'; INSERT INTO `{name}` (id, session_data, last_active) VALUES (@id, @data, @at)",
        ("@id", id),
        ("@data", DancerDocument.Replace(DancerId, id, StringComparison.Ordinal)),
        ("@at", (now - idleFor).UtcDateTime));

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
    public async Task Sweep_OnALastActiveTable_LeavesEveryRow_TheOtherAppsToo_AndSaysOnceHowToOptIn()
    {
        var name = await NewLastActiveTableAsync();
        var logs = new List<(string EventName, LogLevel Level, string Message)>();
        using var sut = table.CreateCache(o => o.Table = name, services => services.AddLogging(b => b.AddProvider(new EventListLoggerProvider(logs))));
        await InsertAsAnotherAppAsync(name, DancerId, idleFor: TimeSpan.FromHours(1), sut.Clock.GetUtcNow());
        await sut.Cache.SetAsync("ours", [1], new DistributedCacheEntryOptions());
        sut.Clock.Advance(TimeSpan.FromHours(1));
        var cache = sut.Provider.GetRequiredService<DbiSessionCache>();

        Assert.Equal(0, await cache.SweepExpiredAsync(CancellationToken.None));
        Assert.Equal(0, await cache.SweepExpiredAsync(CancellationToken.None));

        Assert.Equal(2L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{name}`"));
        Assert.Equal(DancerDocument, await table.ScalarAsync<string>($"SELECT session_data FROM `{name}` WHERE id = @id", ("@id", DancerId)));
        var skipped = Assert.Single(logs, l => l.EventName == "SharedLayoutNotSwept");
        Assert.Equal(LogLevel.Information, skipped.Level);
        Assert.Contains("SweepTablesWithoutExpiryColumns = true", skipped.Message, StringComparison.Ordinal);
        Assert.Contains("sessionstore schema upgrade", skipped.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logs, l => l.EventName == "SweepCompleted");
    }

    [Fact]
    public async Task Sweep_OnALastActiveTable_WithSweepTablesWithoutExpiryColumns_DeletesRowsIdleLongerThanTheWindow_WhoeverWroteThem()
    {
        var name = await NewLastActiveTableAsync();
        var logs = new List<(string EventName, LogLevel Level, string Message)>();
        using var sut = table.CreateCache(
            o =>
            {
                o.Table = name;
                o.SweepTablesWithoutExpiryColumns = true;
            },
            services => services.AddLogging(b => b.AddProvider(new EventListLoggerProvider(logs))));
        await InsertAsAnotherAppAsync(name, DancerId, idleFor: TimeSpan.FromHours(1), sut.Clock.GetUtcNow());
        await sut.Cache.SetAsync("ours", [1], new DistributedCacheEntryOptions());
        sut.Clock.Advance(TimeSpan.FromMinutes(21));
        await InsertAsAnotherAppAsync(name, DancerId + "7", idleFor: TimeSpan.FromMinutes(5), sut.Clock.GetUtcNow());

        var deleted = await sut.Provider.GetRequiredService<DbiSessionCache>().SweepExpiredAsync(CancellationToken.None);

        Assert.Equal(2, deleted); // the other app's row idle for 1 h 21 min, and ours, idle for 21 min
        Assert.Equal(DancerId + "7", await table.ScalarAsync<string>($"SELECT GROUP_CONCAT(id) FROM `{name}`"));
        Assert.DoesNotContain(logs, l => l.EventName == "SharedLayoutNotSwept");
    }

    [Fact]
    public async Task Sweep_OnTheFullSchema_DeletesExpiredRows_WithoutTheOption()
    {
        var name = await NewTableAsync();
        var logs = new List<(string EventName, LogLevel Level, string Message)>();
        using var sut = table.CreateCache(o => o.Table = name, services => services.AddLogging(b => b.AddProvider(new EventListLoggerProvider(logs))));
        await sut.Cache.SetAsync("old", [1], s_oneMinute);
        await sut.Cache.SetAsync("live", [2], s_oneHour);
        sut.Clock.Advance(TimeSpan.FromMinutes(2));

        var deleted = await sut.Provider.GetRequiredService<DbiSessionCache>().SweepExpiredAsync(CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Equal([2], await sut.Cache.GetAsync("live"));
        Assert.Contains(logs, l => l.EventName == "SweepCompleted");
        Assert.DoesNotContain(logs, l => l.EventName == "SharedLayoutNotSwept");
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

    private sealed class EventListLoggerProvider(List<(string EventName, LogLevel Level, string Message)> events) : ILoggerProvider
    {
        public ILogger CreateLogger(string categoryName) => new EventListLogger(events);

        public void Dispose()
        {
        }

        private sealed class EventListLogger(List<(string EventName, LogLevel Level, string Message)> events) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (events)
                {
                    events.Add((eventId.Name ?? "", logLevel, formatter(state, exception)));
                }
            }
        }
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
