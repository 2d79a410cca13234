using System.Globalization;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Cli.Tests;

public sealed class StatsTests
{
    private static readonly DistributedCacheEntryOptions s_sliding = new() { SlidingExpiration = TimeSpan.FromMinutes(20) };

    [Fact]
    public async Task Stats_CountsRowsExpiredRowsAndBytes_AndTheOldestAndNewestActivity()
    {
        await using var table = await TestTable.CreateFullAsync();
        var twoHoursAgo = CacheOnTable.WholeSecondsNow(TimeSpan.FromHours(-2));
        var aMinuteAgo = CacheOnTable.WholeSecondsNow(TimeSpan.FromMinutes(-1));
        using (var old = await CacheOnTable.CreateAsync(table.Name, twoHoursAgo))
        {
            for (var i = 0; i < 7; i++)
            {
                await old.Cache.SetAsync(Guid.NewGuid().ToString(), new byte[10 + i], s_sliding);
            }
        }

        using (var recent = await CacheOnTable.CreateAsync(table.Name, aMinuteAgo))
        {
            for (var i = 0; i < 5; i++)
            {
                await recent.Cache.SetAsync(Guid.NewGuid().ToString(), new byte[100 * i], s_sliding);
            }
        }

        var result = (await CliTool.RunOnAsync(table.Name, "stats")).ShouldExitWith(0);

        Assert.Contains("Layout:          full schema", result.Output, StringComparison.Ordinal);
        Assert.Contains("Rows:            12" + Environment.NewLine, result.Output, StringComparison.Ordinal);
        Assert.Contains("Expired rows:    7" + Environment.NewLine, result.Output, StringComparison.Ordinal);
        Assert.Contains($"Data bytes:      {(7 * 10) + 21 + 1000}" + Environment.NewLine, result.Output, StringComparison.Ordinal);
        Assert.Contains($"Oldest activity: {Utc(twoHoursAgo)}", result.Output, StringComparison.Ordinal);
        Assert.Contains($"Newest activity: {Utc(aMinuteAgo)}", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_OnATableThatExpiresByLastActive_CountsRowsIdleLongerThanTheSlidingWindow()
    {
        await using var table = await TestTable.CreateAsync("id CHAR(40) PRIMARY KEY, session_data TEXT, last_active DATETIME(6) NOT NULL");
        foreach (var minutesAgo in new[] { 50, 40, 20, 5 })
        {
            using var cache = await CacheOnTable.CreateAsync(table.Name, CacheOnTable.WholeSecondsNow(TimeSpan.FromMinutes(-minutesAgo)));
            await cache.Cache.SetAsync(Guid.NewGuid().ToString(), [1, 2, 3], s_sliding);
        }

        var result = (await CliTool.RunOnAsync(table.Name, "stats", "--sliding-window", "30m")).ShouldExitWith(0);

        Assert.Contains("Rows:            4" + Environment.NewLine, result.Output, StringComparison.Ordinal);
        Assert.Contains("Expired rows:    2 (idle longer than 00:30:00)", result.Output, StringComparison.Ordinal);
        Assert.Contains("Data bytes:      16 (as stored: Base64 text)", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_OnABrokenTable_ExitsWith1_WithTheDefect()
    {
        await using var table = await TestTable.CreateAsync("id CHAR(40) PRIMARY KEY");

        var result = (await CliTool.RunOnAsync(table.Name, "stats")).ShouldExitWith(1);

        Assert.Contains("missing column 'session_data'", result.Error, StringComparison.Ordinal);
    }

    private static string Utc(DateTimeOffset instant) =>
        instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff 'UTC'", CultureInfo.InvariantCulture);
}
