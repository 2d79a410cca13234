using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using Microsoft.Extensions.Logging;

namespace SessionStore.IntegrationTests;

/// <summary>Each kind of bad input gets a specific error before anything is written, and nothing already stored is lost.</summary>
public sealed class BadInputTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    [Fact]
    public async Task UnreachableHost_FailsPromptly_WithTheDriversError()
    {
        using var sut = table.CreateCache(o => o.Dsn = "Server=127.0.0.1;Port=1;Database=x;Connection Timeout=2");
        var started = System.Diagnostics.Stopwatch.StartNew();

        var exception = await Assert.ThrowsAsync<MySqlException>(() => sut.Cache.GetAsync("k"));

        Assert.Equal(MySqlErrorCode.UnableToConnectToHost, exception.ErrorCode);
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(30), $"took {started.Elapsed}"); // bounded, not a benchmark
    }

    [Fact]
    public async Task UnreachableHost_HonoursTheCallersCancellation()
    {
        // 192.0.2.0/24 is never routed; but traffic must stay on this machine, so use a loopback port nobody listens on
        // with a long connect timeout, and cancel.
        using var sut = table.CreateCache(o => o.Dsn = "Server=127.0.0.1;Port=1;Database=x;Connection Timeout=30");
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));

        var exception = await Record.ExceptionAsync(() => sut.Cache.GetAsync("k", cancel.Token));

        Assert.True(exception is OperationCanceledException or MySqlException, exception?.GetType().FullName);
    }

    [Fact]
    public async Task ErrorsAndLogs_NeverContainTheKeyOrTheValue()
    {
        var logs = new List<string>();
        using var sut = table.CreateCache(
            o => o.Table = "missing_" + Guid.NewGuid().ToString("N")[..8],
            // AddLogging, so that the cache's ILogger<T> reaches the provider (a bare provider registration leaves it a null logger).
            services => services.AddLogging(b => b.AddProvider(new ListLoggerProvider(logs))));
        const string Key = "secret-session-id-7f3a";

        var messages = new List<string>();
        foreach (var operation in new Func<Task>[]
        {
            () => sut.Cache.GetAsync(Key),
            () => sut.Cache.SetAsync(Key, "secret-value"u8.ToArray(), s_noExpiry),
            () => sut.Cache.RefreshAsync(Key),
            () => sut.Cache.RemoveAsync(Key),
        })
        {
            var exception = await Record.ExceptionAsync(operation);
            Assert.NotNull(exception);
            messages.Add(exception.ToString());
        }

        Assert.All(messages.Concat(logs), text =>
        {
            Assert.DoesNotContain(Key, text, StringComparison.Ordinal);
            Assert.DoesNotContain(Keys.StoredId.Digest(Key), text, StringComparison.Ordinal);
            Assert.DoesNotContain("secret-value", text, StringComparison.Ordinal);
        });
    }

    [Fact]
    public async Task LeastPrivilegeUser_WithOnlySelectInsertUpdateDelete_RunsEverything()
    {
        var server = new MySqlConnectionStringBuilder(table.ConnectionString);
        var user = "lp" + Guid.NewGuid().ToString("N")[..10];
        const string Password = "least-privilege";
        foreach (var host in new[] { "%", "127.0.0.1", "localhost" })
        {
            await table.ExecuteAsync($"CREATE USER '{user}'@'{host}' IDENTIFIED BY @p", ("@p", Password));
            await table.ExecuteAsync($"GRANT SELECT, INSERT, UPDATE, DELETE ON `{server.Database}`.`{table.Table}` TO '{user}'@'{host}'");
        }

        using var sut = table.CreateCache(o =>
        {
            o.User = user;
            o.Password = Password;
        });
        var dbi = Assert.IsType<DbiSessionCache>(sut.Cache);
        var key = Guid.NewGuid().ToString();

        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(1) });
        Assert.Equal([1], await sut.Cache.GetAsync(key));
        sut.Clock.Advance(TimeSpan.FromSeconds(30));
        await sut.Cache.RefreshAsync(key);
        Assert.True(await dbi.ChangeKeyAsync(key, key + "-moved"));
        await sut.Cache.RemoveAsync(key + "-moved");
        await sut.Cache.SetAsync("expired", [2], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromSeconds(1) });
        sut.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.True(await dbi.SweepExpiredAsync(CancellationToken.None) >= 1);

        // And DDL is not among its rights: creating a table needs the separate, privileged step.
        using var creator = table.CreateCache(o =>
        {
            o.User = user;
            o.Password = Password;
            o.Table = "never_created_" + Guid.NewGuid().ToString("N")[..8];
            o.CreateTableIfMissing = true;
        });
        var denied = await Assert.ThrowsAsync<MySqlException>(() => creator.Cache.GetAsync("k"));
        Assert.Equal(MySqlErrorCode.TableAccessDenied, denied.ErrorCode);
    }

    private sealed class ListLoggerProvider(List<string> lines) : Microsoft.Extensions.Logging.ILoggerProvider
    {
        public Microsoft.Extensions.Logging.ILogger CreateLogger(string categoryName) => new ListLogger(lines);

        public void Dispose()
        {
        }

        private sealed class ListLogger(List<string> lines) : Microsoft.Extensions.Logging.ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

            public bool IsEnabled(Microsoft.Extensions.Logging.LogLevel logLevel) => true;

            public void Log<TState>(Microsoft.Extensions.Logging.LogLevel logLevel, Microsoft.Extensions.Logging.EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                lock (lines)
                {
                    lines.Add(formatter(state, exception) + exception);
                }
            }
        }
    }
}
