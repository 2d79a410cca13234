using Microsoft.Extensions.Caching.Distributed;
using MySqlConnector;
using SessionStore.Sweeping;
using SessionStore.Sql;

namespace SessionStore.IntegrationTests;

public sealed class ExpiredEntryPurgeTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private async Task<SqlStatements> StatementsAsync(string name)
    {
        await using var connection = new MySqlConnection(table.ConnectionString);
        await connection.OpenAsync();
        var parsed = TableName.Parse(name);
        var (columns, limits) = await TableDescription.ReadAsync(connection, parsed, isAsync: true, CancellationToken.None);
        var shape = TableShape.FromColumns(parsed, columns, limits.MaxAllowedPacket, new ColumnNames("id", "session_data", "last_active"), DbiSessionKeyStorage.Digest);
        return new SqlStatements(parsed, SqlDialectDetector.FromServerVersion(connection.ServerVersion), shape.Layout);
    }

    private async ValueTask<MySqlConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(table.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        return connection;
    }

    [Fact]
    public async Task Run_DeletesOnlyExpiredEntries_InBatches_AndReportsProgress()
    {
        var name = "purge_" + Guid.NewGuid().ToString("N")[..12];
        await table.ExecuteAsync(SqlStatements.CreateTableDdl(TableName.Parse(name)));
        using var sut = table.CreateCache(o => o.Table = name);
        var shortLived = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) };
        var longLived = new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) };
        await Task.WhenAll(Enumerable.Range(0, 250).Select(i => sut.Cache.SetAsync($"old-{i}", [1], shortLived)));
        var live = Enumerable.Range(0, 5).Select(i => $"live-{i}").ToList();
        await Task.WhenAll(live.Select(key => sut.Cache.SetAsync(key, [2], longLived)));
        sut.Clock.Advance(TimeSpan.FromMinutes(2));
        var reports = new List<long>();

        var deleted = await ExpiredEntryPurge.RunAsync(
            OpenAsync, await StatementsAsync(name), sut.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(20),
            batchSize: 100, TimeSpan.Zero, new SynchronousProgress(reports), CancellationToken.None);

        Assert.Equal(250, deleted);
        Assert.Equal([100L, 200L, 250L], reports);
        Assert.Equal(5L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{name}`"));
        foreach (var key in live)
        {
            Assert.Equal([2], await sut.Cache.GetAsync(key));
        }

        await table.ExecuteAsync($"DROP TABLE `{name}`");
    }

    [Fact]
    public async Task Run_OnALastActiveTable_DeletesEntriesIdleLongerThanTheWindow()
    {
        var name = "purge_legacy_" + Guid.NewGuid().ToString("N")[..8];
        await table.ExecuteAsync($"CREATE TABLE `{name}` (id CHAR(40) PRIMARY KEY, session_data TEXT, last_active DATETIME(6) NOT NULL)");
        using var sut = table.CreateCache(o => o.Table = name);
        await sut.Cache.SetAsync("idle", [1], new DistributedCacheEntryOptions());
        sut.Clock.Advance(TimeSpan.FromMinutes(15));
        await sut.Cache.SetAsync("recent", [2], new DistributedCacheEntryOptions());
        sut.Clock.Advance(TimeSpan.FromMinutes(10));

        var deleted = await ExpiredEntryPurge.RunAsync(
            OpenAsync, await StatementsAsync(name), sut.Clock.GetUtcNow().UtcDateTime, TimeSpan.FromMinutes(20),
            batchSize: 10, TimeSpan.Zero, progress: null, CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Equal([2], await sut.Cache.GetAsync("recent"));
        await table.ExecuteAsync($"DROP TABLE `{name}`");
    }

    private sealed class SynchronousProgress(List<long> reports) : IProgress<long>
    {
        public void Report(long value) => reports.Add(value);
    }
}
