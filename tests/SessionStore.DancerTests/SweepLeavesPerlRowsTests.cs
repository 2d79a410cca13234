using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace SessionStore.DancerTests;

/// <summary>
/// The cache's background sweep on a table the Perl app shares (issue 14): on the <c>last_active</c> layout it cannot tell
/// the Perl app's rows from its own, and Dancer expires nothing, so it deletes nothing there unless told to.
/// </summary>
public sealed class SweepLeavesPerlRowsTests(LastActiveTableFixture fixture) : IClassFixture<LastActiveTableFixture>, IDisposable
{
    private readonly Browser _browser = new();

    public void Dispose() => _browser.Dispose();

    [Fact]
    public async Task APerlSessionIdleForAnHour_SurvivesTheSweep_AndThePerlAppStillKnowsTheUser()
    {
        var id = await SignInOnPerlAndIdleForAnHourAsync("dave");

        await RunTheSweepAsync(sweepSharedTables: false, until: events => events.Contains("SharedLayoutNotSwept"));

        Assert.NotNull(await DancerDatabase.ReadDocumentAsync(fixture.Table, id));
        Assert.Equal("dave", (string?)(await _browser.GetAsync(fixture.Perl.BaseAddress, "whoami"))["user"]);
    }

    [Fact]
    public async Task WithSweepTablesWithoutExpiryColumns_TheSameSessionIsDeleted()
    {
        // The opt-in does what it says: this is what the default protects the Perl app from.
        var id = await SignInOnPerlAndIdleForAnHourAsync("erin");

        await RunTheSweepAsync(sweepSharedTables: true, until: events => events.Contains("SweepCompleted"));

        Assert.Null(await DancerDatabase.ReadDocumentAsync(fixture.Table, id));
    }

    private async Task<string> SignInOnPerlAndIdleForAnHourAsync(string user)
    {
        var view = await _browser.GetAsync(fixture.Perl.BaseAddress, $"signin?user={user}");
        var id = (string?)view["id"] ?? throw new Xunit.Sdk.XunitException("No session: " + view.ToJsonString());
        await DancerDatabase.ExecuteAsync(
            $"UPDATE `{fixture.Table}` SET last_active = last_active - INTERVAL 1 HOUR WHERE id = '{id}'");
        return id;
    }

    /// <summary>
    /// Runs the cache's own sweeper (its hosted service; the first sweep about a second after start) until it has logged what
    /// <paramref name="until"/> waits for, at most 30 s.
    /// </summary>
    private async Task RunTheSweepAsync(bool sweepSharedTables, Func<IReadOnlyCollection<string>, bool> until)
    {
        var events = new EventNames();
        var services = new ServiceCollection()
            .AddLogging(b => b.AddProvider(events))
            .AddDbiSessionCache(o =>
            {
                o.Dsn = fixture.ConnectionString;
                o.Table = fixture.Table;
                o.SweepInterval = TimeSpan.FromSeconds(1);
                o.SweepTablesWithoutExpiryColumns = sweepSharedTables;
            });
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!until(events.Seen) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.True(until(events.Seen), "The sweep did not run within 30 s; events logged: " + string.Join(", ", events.Seen));
    }

    /// <summary>Collects the names of the events the cache logs.</summary>
    private sealed class EventNames : ILoggerProvider, ILogger
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _seen = new();

        public IReadOnlyCollection<string> Seen => [.. _seen];

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name is { } name)
            {
                _seen.Enqueue(name);
            }
        }

        public void Dispose()
        {
        }
    }
}
