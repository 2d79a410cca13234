using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.IntegrationTests;

public sealed class DbiSessionCacheTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private static string NewKey() => Guid.NewGuid().ToString();

    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    [Fact]
    public async Task StoredId_IsADigest_TheKeyIsNowhereInTheTable()
    {
        using var sut = table.CreateCache();
        var key = NewKey();

        await sut.Cache.SetAsync(key, [9], s_noExpiry);

        Assert.Equal(0L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Table}` WHERE id = @key", ("@key", key)));
        Assert.Equal(1L, await table.ScalarAsync<long>(
            $"SELECT COUNT(*) FROM `{table.Table}` WHERE id = @id", ("@id", Keys.StoredId.Digest(key))));
    }

    [Fact]
    public async Task VerbatimKeys_AreStoredAsGiven_AndTooLongOnesAreRejectedBeforeAnyWrite()
    {
        using var sut = table.CreateCache(o => o.KeyStorage = DbiSessionKeyStorage.Verbatim);
        var key = NewKey(); // 36 characters

        await sut.Cache.SetAsync(key, [7], s_noExpiry);
        var tooLong = key + "-extra";
        var exception = await Assert.ThrowsAsync<ArgumentException>(() => sut.Cache.SetAsync(tooLong, [8], s_noExpiry));

        Assert.Equal([7], await sut.Cache.GetAsync(key));
        Assert.Equal(1L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Table}` WHERE id = @key", ("@key", key)));
        Assert.Contains("at most 40", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Table}` WHERE id LIKE @prefix", ("@prefix", key + "-%")));
    }

    [Fact]
    public async Task LastActive_IsWrittenOnSetAndWhenRefreshExtendsTheExpiry()
    {
        using var sut = table.CreateCache();
        var key = NewKey();
        var id = Keys.StoredId.Digest(key);
        var sql = $"SELECT last_active FROM `{table.Table}` WHERE id = @id";

        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });
        Assert.Equal(sut.Clock.GetUtcNow().UtcDateTime, await table.ScalarAsync<DateTime>(sql, ("@id", id)));

        sut.Clock.Advance(TimeSpan.FromMinutes(7));
        await sut.Cache.RefreshAsync(key);
        Assert.Equal(sut.Clock.GetUtcNow().UtcDateTime, await table.ScalarAsync<DateTime>(sql, ("@id", id)));
    }

    [Fact]
    public async Task ChangeKeyAsync_MovesTheEntry_TheOldKeyLoadsNothing()
    {
        using var sut = table.CreateCache();
        var dbi = Assert.IsType<DbiSessionCache>(sut.Cache);
        var (oldKey, newKey) = (NewKey(), NewKey());
        await sut.Cache.SetAsync(oldKey, [1, 2, 3], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(5) });

        Assert.True(await dbi.ChangeKeyAsync(oldKey, newKey));

        Assert.Null(await sut.Cache.GetAsync(oldKey));
        Assert.Equal([1, 2, 3], await sut.Cache.GetAsync(newKey));
        sut.Clock.Advance(TimeSpan.FromMinutes(5)); // the expiration moved with the entry
        Assert.Null(await sut.Cache.GetAsync(newKey));
    }

    [Fact]
    public async Task ChangeKeyAsync_MissingEntry_ReturnsFalse_AndATakenKeyIsRefused()
    {
        using var sut = table.CreateCache();
        var dbi = Assert.IsType<DbiSessionCache>(sut.Cache);
        var (first, second) = (NewKey(), NewKey());
        await sut.Cache.SetAsync(first, [1], s_noExpiry);
        await sut.Cache.SetAsync(second, [2], s_noExpiry);

        Assert.False(await dbi.ChangeKeyAsync(NewKey(), NewKey()));
        var exception = await Assert.ThrowsAsync<MySqlConnector.MySqlException>(() => dbi.ChangeKeyAsync(first, second));

        Assert.Equal(MySqlConnector.MySqlErrorCode.DuplicateKeyEntry, exception.ErrorCode);
        Assert.Equal([1], await sut.Cache.GetAsync(first));
        Assert.Equal([2], await sut.Cache.GetAsync(second));
    }
}
