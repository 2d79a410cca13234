using System.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.IntegrationTests;

/// <summary>
/// Lazy sliding on MySQL: how many statements a read or refresh costs, and when <c>last_active</c> moves. The promise
/// itself (the band an idle entry expires in, entries in use never expiring, deadlines) is the conformance suite's
/// <see cref="SessionStore.Conformance.LazySlidingContract"/>, run here by <see cref="Conformance.MySqlLazySlidingConformance"/>.
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
    public async Task LastActive_MovesOnlyWhenAGetExtendsTheExpiry()
    {
        using var sut = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        var written = sut.Clock.GetUtcNow().UtcDateTime;
        await sut.Cache.SetAsync(key, [1], s_sliding);

        var seen = new List<DateTime>();
        foreach (var minutes in new[] { 1.0, 1.5 }) // 5% of the window, then 12.5%: past the threshold
        {
            sut.Clock.Advance(TimeSpan.FromMinutes(minutes));
            Assert.NotNull(await sut.Cache.GetAsync(key));
            seen.Add(await LastActiveAsync(key));
        }

        Assert.Equal([written, sut.Clock.GetUtcNow().UtcDateTime], seen);
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
