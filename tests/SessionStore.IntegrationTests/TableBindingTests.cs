using System.Diagnostics;
using Microsoft.Extensions.Caching.Distributed;

namespace SessionStore.IntegrationTests;

public sealed class TableBindingTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private static readonly DistributedCacheEntryOptions s_noExpiry = new();

    [Fact]
    public async Task MissingTable_FailsWithAMessageNamingTheTableAndTheSchemaFile()
    {
        var name = "missing_" + Guid.NewGuid().ToString("N")[..12];
        using var sut = table.CreateCache(o => o.Table = name);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Cache.GetAsync("k"));

        Assert.Contains($"The table '{name}' does not exist", exception.Message, StringComparison.Ordinal);
        Assert.Contains("001_create_sessions.sql", exception.Message, StringComparison.Ordinal);
        Assert.Contains("CreateTableIfMissing", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateTableIfMissing_CreatesTheTableOnFirstUse()
    {
        var name = "created_" + Guid.NewGuid().ToString("N")[..12];
        try
        {
            using var sut = table.CreateCache(o =>
            {
                o.Table = name;
                o.CreateTableIfMissing = true;
            });

            await sut.Cache.SetAsync("k", [1, 2], s_noExpiry);

            Assert.Equal([1, 2], await sut.Cache.GetAsync("k"));
            Assert.Equal(6L, await table.ScalarAsync<long>(
                "SELECT COUNT(*) FROM INFORMATION_SCHEMA.COLUMNS WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = @t", ("@t", name)));
        }
        finally
        {
            await table.ExecuteAsync($"DROP TABLE IF EXISTS `{name}`");
        }
    }

    [Fact]
    public async Task WrongShape_FailsNamingEveryBadColumn()
    {
        var name = "broken_" + Guid.NewGuid().ToString("N")[..12];
        await table.ExecuteAsync($"CREATE TABLE `{name}` (id INT PRIMARY KEY, session_data INT, last_active DATETIME(6) NOT NULL, expires_at DATETIME(6) NOT NULL)");
        try
        {
            using var sut = table.CreateCache(o => o.Table = name);

            var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Cache.GetAsync("k"));

            Assert.Contains("missing columns 'sliding_window_us', 'absolute_expires_at'", exception.Message, StringComparison.Ordinal);
            // MariaDB says int(11), MySQL 8 int.
            Assert.Matches(@"column 'id' is int(\(11\))?; it must be CHAR\(40\) or VARCHAR\(n\)", exception.Message);
            Assert.Matches(@"column 'session_data' is int(\(11\))?; it must be binary", exception.Message);
        }
        finally
        {
            await table.ExecuteAsync($"DROP TABLE IF EXISTS `{name}`");
        }
    }

    [Fact]
    public async Task BindingFailure_IsNotRemembered_TheCacheWorksOnceTheTableExists()
    {
        var name = "late_" + Guid.NewGuid().ToString("N")[..12];
        using var sut = table.CreateCache(o => o.Table = name);
        await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Cache.GetAsync("k"));
        try
        {
            await table.ExecuteAsync(Sql.SqlStatements.CreateTableDdl(Sql.TableName.Parse(name)));

            await sut.Cache.SetAsync("k", [3], s_noExpiry);

            Assert.Equal([3], await sut.Cache.GetAsync("k"));
        }
        finally
        {
            await table.ExecuteAsync($"DROP TABLE IF EXISTS `{name}`");
        }
    }

    [Fact]
    public async Task ValueAtTheLimit_RoundTrips_AndOneByteMore_IsRejectedLeavingTheOldValue()
    {
        using var sut = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        await sut.Cache.SetAsync(key, [42], s_noExpiry); // binds the table and proves the old value survives
        var packet = await table.ScalarAsync<long>("SELECT @@max_allowed_packet");
        const long mediumBlobCapacity = 16_777_215;

        // Bytes 0x01..0xFF never need escaping, so the packet limit is length + overhead.
        var limit = (int)Math.Min(mediumBlobCapacity, packet - Sql.TableShape.StatementOverheadBytes);
        var atLimit = new byte[limit];
        Random.Shared.NextBytes(atLimit);
        for (var i = 0; i < atLimit.Length; i++)
        {
            atLimit[i] = atLimit[i] is 0x00 or 0x27 or 0x5C or 0x22 or 0x0A or 0x0D or 0x1A ? (byte)0x41 : atLimit[i];
        }

        var tooLarge = new byte[limit + 1];
        var exception = await Assert.ThrowsAsync<ArgumentException>("value", () => sut.Cache.SetAsync(key, tooLarge, s_noExpiry));
        Assert.Equal([42], await sut.Cache.GetAsync(key));
        Assert.Contains(limit == mediumBlobCapacity ? "holds at most 16,777,215 bytes" : "max_allowed_packet", exception.Message, StringComparison.Ordinal);

        await sut.Cache.SetAsync(key, atLimit, s_noExpiry);
        Assert.Equal(atLimit, await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task ValueOfEscapedBytes_CountsItsEscapesAgainstTheServerPacket()
    {
        using var sut = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        await sut.Cache.SetAsync(key, [1], s_noExpiry);
        var packet = await table.ScalarAsync<long>("SELECT @@max_allowed_packet");

        // Every quote byte may need an escape, so a value of quotes may be at most half the packet.
        var halfPacket = (int)Math.Min((packet - Sql.TableShape.StatementOverheadBytes) / 2, 16_777_215);
        var quotes = Enumerable.Repeat((byte)0x27, halfPacket).ToArray();
        await sut.Cache.SetAsync(key, quotes, s_noExpiry);
        Assert.Equal(quotes, await sut.Cache.GetAsync(key));

        if (halfPacket < 16_777_215)
        {
            var exception = await Assert.ThrowsAsync<ArgumentException>(() => sut.Cache.SetAsync(key, [.. quotes, 0x27], s_noExpiry));
            Assert.Contains("max_allowed_packet", exception.Message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CausalReads_OnASingleServer_FailsAtFirstUseSayingWhy()
    {
        using var sut = table.CreateCache(o => o.CausalReads = true);

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Cache.GetAsync("k"));

        Assert.Contains("neither a Galera node", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_IsOneCommand_OneRoundTrip()
    {
        using var sut = table.CreateCache();
        var key = Guid.NewGuid().ToString();
        await sut.Cache.SetAsync(key, [1], new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(5) });
        var commands = new List<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == "MySqlConnector",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = activity =>
            {
                lock (commands)
                {
                    commands.Add(activity);
                }
            },
        };
        ActivitySource.AddActivityListener(listener);
        using var parent = new Activity("test").Start();

        var value = await sut.Cache.GetAsync(key);

        parent.Stop();
        List<Activity> ours;
        lock (commands)
        {
            ours = commands.Where(a => a.TraceId == parent.TraceId && a.OperationName == "Execute").ToList();
        }

        Assert.Equal([1], value);
        Assert.Single(ours);
    }
}
