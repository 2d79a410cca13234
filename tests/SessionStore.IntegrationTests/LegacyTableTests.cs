using System.Security.Cryptography;
using Microsoft.Extensions.Caching.Distributed;
using MySqlConnector;

namespace SessionStore.IntegrationTests;

/// <summary>Tables as the Perl ancestor (Dancer::Session::DBI) left them, used as they stand.</summary>
public sealed class LegacyTableTests(SessionTableFixture table) : IClassFixture<SessionTableFixture>
{
    private static readonly DistributedCacheEntryOptions s_sliding = new() { SlidingExpiration = TimeSpan.FromMinutes(20) };

    private async Task<string> CreateAsync(string columns, string engine = "InnoDB")
    {
        var name = "legacy_" + Guid.NewGuid().ToString("N")[..12];
        await table.ExecuteAsync($"CREATE TABLE `{name}` ({columns}) ENGINE={engine}");
        return name;
    }

    [Fact]
    public async Task MinimalTable_StoresBinaryValuesAsBase64_AndNothingExpires()
    {
        var name = await CreateAsync("id CHAR(40) PRIMARY KEY, session_data TEXT");
        using var sut = table.CreateCache(o => o.Table = name);
        var key = Guid.NewGuid().ToString();
        var value = RandomNumberGenerator.GetBytes(3000); // not valid UTF-8

        await sut.Cache.SetAsync(key, value, s_sliding);
        sut.Clock.Advance(TimeSpan.FromDays(365));
        await sut.Cache.RefreshAsync(key);

        Assert.Equal(value, await sut.Cache.GetAsync(key));
        Assert.Equal(Convert.ToBase64String(value), await table.ScalarAsync<string>(
            $"SELECT session_data FROM `{name}` WHERE id = @id", ("@id", Keys.StoredId.Digest(key))));
        await sut.Cache.RemoveAsync(key);
        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task TableWithoutExpiryColumns_RefusesAbsoluteExpirations_BeforeWriting()
    {
        var name = await CreateAsync("id CHAR(40) PRIMARY KEY, session_data TEXT");
        using var sut = table.CreateCache(o => o.Table = name);
        var key = Guid.NewGuid().ToString();

        var exception = await Assert.ThrowsAsync<NotSupportedException>(() => sut.Cache.SetAsync(
            key, [1], new DistributedCacheEntryOptions { AbsoluteExpirationRelativeToNow = TimeSpan.FromMinutes(1) }));

        Assert.Contains("has no expiry columns", exception.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{name}`"));
    }

    [Fact]
    public async Task TableWithLastActiveTimestamp_ExpiresByTheDefaultWindow_InUtcWhateverTheSessionTimeZone()
    {
        var name = await CreateAsync(
            "id CHAR(40) PRIMARY KEY, session_data TEXT, last_active TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP");
        using var sut = table.CreateCache(o =>
        {
            o.Table = name;
            o.Dsn = null;
            o.DefaultSlidingExpiration = TimeSpan.FromMinutes(20);
            o.ConnectionFactory = _ =>
            {
                // A connection whose session is not in UTC, as a server's default time zone may be.
                var connection = new MySqlConnection(table.ConnectionString);
                connection.Open();
                using var command = new MySqlCommand("SET time_zone = '+05:00'", connection);
                command.ExecuteNonQuery();
                return connection;
            };
        });
        var key = Guid.NewGuid().ToString();

        await sut.Cache.SetAsync(key, [7], s_sliding);

        var stored = await table.ScalarAsync<long>(
            $"SELECT UNIX_TIMESTAMP(last_active) FROM `{name}` WHERE id = @id", ("@id", Keys.StoredId.Digest(key)));
        Assert.Equal(sut.Clock.GetUtcNow().ToUnixTimeSeconds(), stored);
        sut.Clock.Advance(TimeSpan.FromMinutes(17));
        Assert.Equal([7], await sut.Cache.GetAsync(key));  // 17 minutes idle: alive, and past the threshold, so extended
        sut.Clock.Advance(TimeSpan.FromMinutes(19));
        Assert.Equal([7], await sut.Cache.GetAsync(key));  // 19 minutes after the extension
        sut.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Null(await sut.Cache.GetAsync(key));
    }

    [Fact]
    public async Task MemoryTableWithVarchar_HoldsThreeQuartersOfItsLength_AndSaysSoBeyondThat()
    {
        var name = await CreateAsync("id CHAR(40) NOT NULL PRIMARY KEY, session_data VARCHAR(2000) NOT NULL", engine: "MEMORY");
        using var sut = table.CreateCache(o => o.Table = name);
        var key = Guid.NewGuid().ToString();
        var fits = RandomNumberGenerator.GetBytes(1500);

        await sut.Cache.SetAsync(key, fits, s_sliding);
        var exception = await Assert.ThrowsAsync<ArgumentException>("value", () => sut.Cache.SetAsync(key, new byte[1501], s_sliding));

        Assert.Equal(fits, await sut.Cache.GetAsync(key));
        Assert.Contains("holds at most 1,500 bytes as Base64", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RenamedColumns_AreUsedAsConfigured()
    {
        var name = await CreateAsync("sid CHAR(40) COLLATE utf8mb4_bin PRIMARY KEY, payload BLOB NOT NULL, touched DATETIME(6) NOT NULL");
        using var sut = table.CreateCache(o =>
        {
            o.Table = name;
            o.IdColumn = "sid";
            o.DataColumn = "payload";
            o.LastActiveColumn = "touched";
            o.KeyStorage = DbiSessionKeyStorage.Verbatim;
        });
        var key = "Sess-" + Guid.NewGuid().ToString("N")[..20];

        await sut.Cache.SetAsync(key, [1, 2], s_sliding);
        await sut.Cache.SetAsync(key.ToUpperInvariant(), [3], s_sliding);

        Assert.Equal([1, 2], await sut.Cache.GetAsync(key));
        Assert.Equal([3], await sut.Cache.GetAsync(key.ToUpperInvariant()));
        Assert.Equal(1L, await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{name}` WHERE sid = @k", ("@k", key)));
    }

    [Fact]
    public async Task VerbatimKeys_OnACaseInsensitiveIdColumn_AreRefusedAtFirstUse()
    {
        var name = await CreateAsync("id CHAR(40) COLLATE utf8mb4_general_ci PRIMARY KEY, session_data TEXT");
        using var sut = table.CreateCache(o =>
        {
            o.Table = name;
            o.KeyStorage = DbiSessionKeyStorage.Verbatim;
        });

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => sut.Cache.GetAsync("k"));

        Assert.Contains("case-insensitive collation utf8mb4_general_ci", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowThePerlAppWrote_IsMissingWithAWarning_OrThrowsWhenAskedTo()
    {
        var name = await CreateAsync("id CHAR(40) PRIMARY KEY, session_data TEXT");
        var key = Guid.NewGuid().ToString();
        await table.ExecuteAsync($"INSERT INTO `{name}` (id, session_data) VALUES (@id, @data)",
            ("@id", Keys.StoredId.Digest(key)), ("@data", "{\"user\":\"alice\",\"cart\":[1,2]}"));

        using var lenient = table.CreateCache(o => o.Table = name);
        using var strict = table.CreateCache(o =>
        {
            o.Table = name;
            o.ThrowOnUnreadableEntries = true;
        });

        Assert.Null(await lenient.Cache.GetAsync(key));
        var exception = await Assert.ThrowsAsync<InvalidDataException>(() => strict.Cache.GetAsync(key));
        Assert.Contains("not Base64", exception.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("alice", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RowWithNullData_IsUnreadable_NotACrash()
    {
        var name = await CreateAsync("id CHAR(40) PRIMARY KEY, session_data TEXT NULL");
        var key = Guid.NewGuid().ToString();
        await table.ExecuteAsync($"INSERT INTO `{name}` (id, session_data) VALUES (@id, NULL)", ("@id", Keys.StoredId.Digest(key)));
        using var lenient = table.CreateCache(o => o.Table = name);
        using var strict = table.CreateCache(o =>
        {
            o.Table = name;
            o.ThrowOnUnreadableEntries = true;
        });

        Assert.Null(await lenient.Cache.GetAsync(key));
        await Assert.ThrowsAsync<InvalidDataException>(() => strict.Cache.GetAsync(key));
    }
}
