using System.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.IntegrationTests;

/// <summary>
/// The promise of lazy sliding (threshold 0.1 by default): an idle entry expires between window × 0.9 and window after its
/// last use; an entry in use never expires; absolute deadlines are never exceeded; most reads write nothing.
/// </summary>
public sealed class LazySlidingTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private static readonly TimeSpan s_window = TimeSpan.FromMinutes(20);
    private static readonly DistributedCacheEntryOptions s_sliding = new() { SlidingExpiration = s_window };

    private Task<DateTime> ExpiresAtAsync(string key) => table.ScalarAsync<DateTime>(
        $"SELECT expires_at FROM `{table.Table}` WHERE id = @id", ("@id", Keys.StoredId.Digest(key)));

    private Task<DateTime> LastActiveAsync(string key) => table.ScalarAsync<DateTime>(
        $"SELECT last_active FROM `{table.Table}` WHERE id = @id", ("@id", Keys.StoredId.Digest(key)));

    [Fact]
    public async Task EntryInUse_NeverExpires()
    {
        using var sut = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        await sut.Cache.SetAsync(key, [1], s_sliding);
        var random = new Random(1234);

        // Uses at random intervals up to just under window × (1 − threshold) = 18 minutes, for a simulated two days.
        for (var i = 0; i < 200; i++)
        {
            sut.Clock.Advance(TimeSpan.FromSeconds(random.Next(1, 18 * 60)));
            if (i % 3 == 0)
            {
                await sut.Cache.RefreshAsync(key);
            }
            else
            {
                Assert.Equal([1], await sut.Cache.GetAsync(key));
            }
        }
    }

    [Fact]
    public async Task IdleEntry_ExpiresWithinTheStatedBandAfterItsLastUse()
    {
        using var sut = table.CreateCache();
        var random = new Random(99);
        for (var trial = 0; trial < 25; trial++)
        {
            var key = Guid.NewGuid().ToString();
            await sut.Cache.SetAsync(key, [1], s_sliding);
            for (var uses = random.Next(0, 6); uses > 0; uses--)
            {
                sut.Clock.Advance(TimeSpan.FromSeconds(random.Next(1, 18 * 60)));
                if (random.Next(2) == 0)
                {
                    Assert.NotNull(await sut.Cache.GetAsync(key));
                }
                else
                {
                    await sut.Cache.RefreshAsync(key);
                }
            }

            var lastUse = sut.Clock.GetUtcNow().UtcDateTime;
            var expiresAt = await ExpiresAtAsync(key);

            Assert.InRange(expiresAt, lastUse + (s_window * 0.9), lastUse + s_window);
            sut.Clock.Advance(s_window);
            Assert.Null(await sut.Cache.GetAsync(key));
        }
    }

    [Fact]
    public async Task SlidingWithDeadline_UseNeverPassesTheDeadline()
    {
        using var sut = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        var deadline = sut.Clock.GetUtcNow().UtcDateTime.AddHours(1);
        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions
        {
            SlidingExpiration = s_window,
            AbsoluteExpiration = deadline,
        });

        while (sut.Clock.GetUtcNow().UtcDateTime < deadline)
        {
            Assert.NotNull(await sut.Cache.GetAsync(key));
            Assert.True(await ExpiresAtAsync(key) <= deadline);
            sut.Clock.Advance(TimeSpan.FromMinutes(5));
        }

        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task Get_BeforeTheThreshold_WritesNothing_AndAfterIt_ExtendsOnce()
    {
        using var sut = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        var written = sut.Clock.GetUtcNow().UtcDateTime;
        await sut.Cache.SetAsync(key, [1], s_sliding);

        sut.Clock.Advance(TimeSpan.FromMinutes(1)); // 5% of the window
        Assert.NotNull(await sut.Cache.GetAsync(key));
        Assert.Equal(written, await LastActiveAsync(key));
        Assert.Equal(written + s_window, await ExpiresAtAsync(key));

        sut.Clock.Advance(TimeSpan.FromMinutes(1.5)); // 12.5%: past the threshold
        Assert.NotNull(await sut.Cache.GetAsync(key));
        var extendedAt = sut.Clock.GetUtcNow().UtcDateTime;
        Assert.Equal(extendedAt, await LastActiveAsync(key));
        Assert.Equal(extendedAt + s_window, await ExpiresAtAsync(key));
    }

    [Fact]
    public async Task ThresholdZero_ExtendsOnEveryRead()
    {
        using var sut = table.CreateCache(o => o.SlidingExtensionThreshold = 0);
        var key = Guid.NewGuid().ToString();
        await sut.Cache.SetAsync(key, [1], s_sliding);

        sut.Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.NotNull(await sut.Cache.GetAsync(key));

        Assert.Equal(sut.Clock.GetUtcNow().UtcDateTime + s_window, await ExpiresAtAsync(key));
    }

    [Fact]
    public async Task RefreshRightAfterGet_IsOneReadWritingNothing_ADueRefreshReadsThenExtends()
    {
        // A Refresh is never answered from memory (another server may have rewritten the entry with a shorter window); the
        // read that decides it is a plain SELECT, and the UPDATE goes only when the entry is due.
        using var sut = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        await sut.Cache.SetAsync(key, [1], s_sliding);
        Assert.NotNull(await sut.Cache.GetAsync(key));
        var written = await ExpiresAtAsync(key);

        var immediate = await CountCommandsAsync(() => sut.Cache.RefreshAsync(key));
        var afterImmediate = await ExpiresAtAsync(key);
        sut.Clock.Advance(TimeSpan.FromMinutes(3));
        var later = await CountCommandsAsync(() => sut.Cache.RefreshAsync(key));

        Assert.Equal(1, immediate);
        Assert.Equal(written, afterImmediate);
        Assert.Equal(2, later);
        Assert.Equal(sut.Clock.GetUtcNow().UtcDateTime + s_window, await ExpiresAtAsync(key));
    }

    [Fact]
    public async Task Get_NotDue_IsOnePlainSelect_AndDueAsFarAsThisProcessKnows_ExtendsInTheSameRoundTrip()
    {
        using var sut = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        await sut.Cache.SetAsync(key, [1], s_sliding);

        sut.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await CountCommandsAsync(() => sut.Cache.GetAsync(key)));
        sut.Clock.Advance(TimeSpan.FromMinutes(2.5));
        Assert.Equal(1, await CountCommandsAsync(() => sut.Cache.GetAsync(key)));

        Assert.Equal(sut.Clock.GetUtcNow().UtcDateTime + s_window, await ExpiresAtAsync(key));
    }

    [Fact]
    public async Task Get_DueButUnknownToThisProcess_ExtendsWithASecondStatement()
    {
        using var writer = table.CreateCache();
        using var reader = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        await writer.Cache.SetAsync(key, [1], s_sliding);
        await reader.Cache.GetAsync("bind-" + key); // the first operation also reads the table's shape
        reader.Clock.Advance(TimeSpan.FromMinutes(5));

        Assert.Equal(2, await CountCommandsAsync(() => reader.Cache.GetAsync(key)));

        Assert.Equal(reader.Clock.GetUtcNow().UtcDateTime + s_window, await ExpiresAtAsync(key));
        reader.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await CountCommandsAsync(() => reader.Cache.GetAsync(key)));
    }

    [Fact]
    public async Task RefreshAfterRemove_IsNotSkipped()
    {
        using var sut = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        await sut.Cache.SetAsync(key, [1], s_sliding);
        Assert.NotNull(await sut.Cache.GetAsync(key));
        await sut.Cache.RemoveAsync(key);

        Assert.Equal(1, await CountCommandsAsync(() => sut.Cache.RefreshAsync(key)));
    }

    private static async Task<int> CountCommandsAsync(Func<Task> operation)
    {
        var count = 0;
        using var parent = new Activity("count").Start();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MySqlConnector",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                if (activity.TraceId == parent.TraceId && activity.OperationName == "Execute")
                {
                    Interlocked.Increment(ref count);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        await operation();
        return count;
    }
}
