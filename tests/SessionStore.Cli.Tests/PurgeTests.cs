using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.Cli.Tests;

public sealed class PurgeTests
{
    private static readonly DistributedCacheEntryOptions s_sliding = new() { SlidingExpiration = TimeSpan.FromMinutes(20) };

    [Fact]
    public async Task Purge_DeletesExactlyTheExpiredRows_InBatches_AndPrintsOneLineWhenNotOnATerminal()
    {
        await using var table = await TestTable.CreateFullAsync();
        using var old = await CacheOnTable.CreateAsync(table.Name, DateTimeOffset.UtcNow.AddHours(-2));
        var expired = Enumerable.Range(0, 23).Select(_ => Guid.NewGuid().ToString()).ToList();
        foreach (var key in expired)
        {
            await old.Cache.SetAsync(key, [1], s_sliding);
        }

        // Written two hours ago too, but with a deadline in the future: alive.
        var longLived = Guid.NewGuid().ToString();
        await old.Cache.SetAsync(longLived, [2], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromDays(1) });
        using var recent = await CacheOnTable.CreateAsync(table.Name, DateTimeOffset.UtcNow);
        var live = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid().ToString()).Append(longLived).ToList();
        foreach (var key in live.SkipLast(1))
        {
            await recent.Cache.SetAsync(key, [3], s_sliding);
        }

        var result = (await CliTool.RunOnAsync(table.Name, "purge", "--batch-size", "5", "--pause-ms", "0")).ShouldExitWith(0);

        Assert.Equal($"Deleted 23 expired rows from '{table.Name}'.", result.Output.TrimEnd());
        Assert.DoesNotContain("\r", result.Output, StringComparison.Ordinal);
        Assert.Equal(live.Count, await TestDatabase.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Name}`"));
        foreach (var key in live)
        {
            Assert.NotNull(await recent.Cache.GetAsync(key));
        }
    }

    [Fact]
    public async Task Purge_StoppedByCtrlC_StopsBetweenBatches_AndSaysHowManyRowsItDeleted()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // SIGINT is a POSIX signal; CI runs on Linux.
        }

        await using var table = await TestTable.CreateFullAsync();
        const int Expired = 40;
        using (var old = await CacheOnTable.CreateAsync(table.Name, DateTimeOffset.UtcNow.AddHours(-2)))
        {
            for (var i = 0; i < Expired; i++)
            {
                await old.Cache.SetAsync(Guid.NewGuid().ToString(), [1], s_sliding);
            }
        }

        var connectionString = await TestDatabase.ConnectionStringAsync();
        using var tool = CliTool.Start(["purge", "--batch-size", "1", "--pause-ms", "250", "--dsn", connectionString, "--table", table.Name]);

        // Signal once the purge is under way (the process may take seconds to start on a busy machine).
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (await TestDatabase.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Name}`") == Expired && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        tool.Interrupt();
        var result = (await tool.WaitAsync()).ShouldExitWith(130);

        var deleted = Expired - await TestDatabase.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Name}`");
        Assert.InRange(deleted, 1, Expired - 1);
        Assert.Equal($"Stopped by Ctrl+C after deleting {deleted} expired rows from '{table.Name}'.", result.Output.TrimEnd());
    }

    [Fact]
    public async Task Purge_OnATableThatKeepsNoExpiry_HasNothingToDo()
    {
        await using var table = await TestTable.CreateAsync("id CHAR(40) PRIMARY KEY, session_data TEXT");
        await TestDatabase.ExecuteAsync($"INSERT INTO `{table.Name}` VALUES ('a', '')");

        var result = (await CliTool.RunOnAsync(table.Name, "purge")).ShouldExitWith(0);

        Assert.Contains("keeps no expiry", result.Output, StringComparison.Ordinal);
        Assert.Contains("nothing to purge", result.Output, StringComparison.Ordinal);
        Assert.Equal(1L, await TestDatabase.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Name}`"));
    }

    [Theory]
    [InlineData("--batch-size", "0", "--batch-size must be from 1 to 100000.")]
    [InlineData("--pause-ms", "-1", "--pause-ms must not be negative.")]
    public async Task Purge_WithAnOutOfRangeOption_ExitsWith2_BeforeConnecting(string option, string value, string message)
    {
        var result = (await CliTool.RunAsync("purge", option, value, "--dsn", "Server=127.0.0.1;Port=1;Database=none")).ShouldExitWith(2);

        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }
}
