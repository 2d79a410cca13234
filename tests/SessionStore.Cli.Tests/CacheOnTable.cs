using Microsoft.Extensions.Caching.Distributed;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace SessionStore.Cli.Tests;

/// <summary>A DbiSessionCache on a test table, through the real DI registration, on a clock the test sets.</summary>
internal sealed class CacheOnTable : IDisposable
{
    private readonly ServiceProvider _provider;

    private CacheOnTable(ServiceProvider provider, FakeTimeProvider clock)
    {
        _provider = provider;
        Clock = clock;
        Cache = provider.GetRequiredService<IDistributedCache>();
    }

    public IDistributedCache Cache { get; }

    public FakeTimeProvider Clock { get; }

    public static async Task<CacheOnTable> CreateAsync(string table, DateTimeOffset now, Action<DbiSessionCacheOptions>? configure = null)
    {
        var connectionString = await TestDatabase.ConnectionStringAsync();
        var clock = new FakeTimeProvider(now);
        var provider = new ServiceCollection()
            .AddSingleton<TimeProvider>(clock)
            .AddDbiSessionCache(o =>
            {
                o.Dsn = connectionString;
                o.Table = table;
                o.SweepExpiredEntries = false;
                configure?.Invoke(o);
            })
            .BuildServiceProvider();
        return new CacheOnTable(provider, clock);
    }

    /// <summary>Now, to the whole second: TIMESTAMP and DATETIME columns then hold the clock's instant exactly.</summary>
    public static DateTimeOffset WholeSecondsNow(TimeSpan offset = default)
    {
        var now = DateTimeOffset.UtcNow + offset;
        return now.AddTicks(-(now.Ticks % TimeSpan.TicksPerSecond));
    }

    public void Dispose() => _provider.Dispose();
}
