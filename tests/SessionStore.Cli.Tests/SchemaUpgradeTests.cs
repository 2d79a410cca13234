using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using SessionStore.Keys;
using SessionStore.Sql;

namespace SessionStore.Cli.Tests;

public sealed class SchemaUpgradeTests
{
    private const string MinimalTable = "id CHAR(40) PRIMARY KEY, session_data TEXT";
    private const string PerlJson = """{"user":"alice","cart":[1,2]}""";
    private static readonly DistributedCacheEntryOptions s_sliding = new() { SlidingExpiration = TimeSpan.FromMinutes(20) };

    [Fact]
    public async Task Upgrade_APopulatedMinimalTable_KeepsEveryValueByteForByte_AndTheTableVerifiesAsTheFullSchema()
    {
        await using var table = await TestTable.CreateAsync(MinimalTable);
        var values = Values();
        await WriteAsync(table.Name, values, DateTimeOffset.UtcNow);
        var perlKey = Guid.NewGuid().ToString();
        await TestDatabase.ExecuteAsync($"INSERT INTO `{table.Name}` (id, session_data) VALUES (@id, @data)",
            ("@id", StoredId.Digest(perlKey)), ("@data", PerlJson));

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "upgrade")).ShouldExitWith(0);

        using var after = await CacheOnTable.CreateAsync(table.Name, DateTimeOffset.UtcNow);
        foreach (var (key, value) in values)
        {
            Assert.Equal(value, await after.Cache.GetAsync(key));
        }

        Assert.Equal(Encoding.UTF8.GetBytes(PerlJson), await after.Cache.GetAsync(perlKey));
        Assert.Contains($"values decoded from Base64: {values.Count}; kept as stored (not Base64): 1", result.Output, StringComparison.Ordinal);
        Assert.Contains("Done: the cache will use the table as the full schema", result.Output, StringComparison.Ordinal);
        Assert.Equal(TableLayout.Default, (await TestDatabase.ShapeAsync(table.Name)).Layout);
        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(
            $"SELECT COUNT(*) FROM `{table.Name}` WHERE sliding_window_us <> 1200000000 " +
            "OR TIMESTAMPDIFF(MICROSECOND, last_active, expires_at) <> 1200000000 OR absolute_expires_at IS NOT NULL"));
        var verify = (await CliTool.RunOnAsync(table.Name, "schema", "verify")).ShouldExitWith(0);
        Assert.Contains("Layout: full schema (expiry columns, binary values)", verify.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upgrade_Twice_TheSecondRunChangesNothing()
    {
        await using var table = await TestTable.CreateAsync(MinimalTable);
        await WriteAsync(table.Name, Values(count: 3), DateTimeOffset.UtcNow);
        (await CliTool.RunOnAsync(table.Name, "schema", "upgrade")).ShouldExitWith(0);
        var definition = await TestDatabase.ShowCreateTableAsync(table.Name);
        var rows = await RowsChecksumAsync(table.Name);

        var second = (await CliTool.RunOnAsync(table.Name, "schema", "upgrade")).ShouldExitWith(0);

        Assert.Contains("is already up to date; nothing was changed.", second.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("1/", second.Output, StringComparison.Ordinal);
        Assert.Equal(definition, await TestDatabase.ShowCreateTableAsync(table.Name));
        Assert.Equal(rows, await RowsChecksumAsync(table.Name));
    }

    [Fact]
    public async Task Upgrade_OfAFullSchemaTable_SaysItIsUpToDate()
    {
        await using var table = await TestTable.CreateFullAsync();
        var definition = await TestDatabase.ShowCreateTableAsync(table.Name);

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "upgrade")).ShouldExitWith(0);

        Assert.Contains("is already up to date; nothing was changed.", result.Output, StringComparison.Ordinal);
        Assert.Equal(definition, await TestDatabase.ShowCreateTableAsync(table.Name));
    }

    [Fact]
    public async Task Upgrade_ATableWithLastActiveTimestamp_KeepsEachRowsActivity_AndBackfillsExpiryFromIt()
    {
        await using var table = await TestTable.CreateAsync(
            "id CHAR(40) PRIMARY KEY, session_data TEXT, last_active TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP ON UPDATE CURRENT_TIMESTAMP");
        var written = CacheOnTable.WholeSecondsNow(TimeSpan.FromMinutes(-5));
        var values = Values(count: 5);
        await WriteAsync(table.Name, values, written);

        (await CliTool.RunOnAsync(table.Name, "schema", "upgrade", "--sliding-window", "30m")).ShouldExitWith(0);

        Assert.Equal(0L, await TestDatabase.ScalarAsync<long>(
            $"SELECT COUNT(*) FROM `{table.Name}` WHERE last_active <> @written OR sliding_window_us <> 1800000000 " +
            "OR TIMESTAMPDIFF(MICROSECOND, last_active, expires_at) <> 1800000000", ("@written", written.UtcDateTime)));
        var definition = await TestDatabase.ShowCreateTableAsync(table.Name);
        Assert.Contains("`last_active` datetime(6) NOT NULL", definition, StringComparison.Ordinal);
        Assert.DoesNotContain("on update", definition, StringComparison.OrdinalIgnoreCase);

        // Past the backfilled expiry first: a read now would slide the entry further.
        using var later = await CacheOnTable.CreateAsync(table.Name, written.AddMinutes(31));
        Assert.Null(await later.Cache.GetAsync(values.Keys.First()));
        using var now = await CacheOnTable.CreateAsync(table.Name, DateTimeOffset.UtcNow);
        foreach (var (key, value) in values)
        {
            Assert.Equal(value, await now.Cache.GetAsync(key));
        }
    }

    [Fact]
    public async Task Upgrade_WithRenamedColumns_KeepsTheirNames_AndTheirValues()
    {
        await using var table = await TestTable.CreateAsync("sid VARCHAR(64) PRIMARY KEY, payload MEDIUMTEXT, touched DATETIME NOT NULL");
        var values = Values(count: 10);
        await WriteAsync(table.Name, values, DateTimeOffset.UtcNow, Renamed);

        (await CliTool.RunOnAsync(table.Name,
            "schema", "upgrade", "--id-column", "sid", "--data-column", "payload", "--last-active-column", "touched")).ShouldExitWith(0);

        var shape = await TestDatabase.ShapeAsync(table.Name, new ColumnNames("sid", "payload", "touched"));
        Assert.Equal(ExpiryMode.ExpiryColumns, shape.Layout.Expiry);
        Assert.Equal(DataEncoding.Binary, shape.Layout.Encoding);
        Assert.Equal("mediumblob", shape.DataType);
        using var after = await CacheOnTable.CreateAsync(table.Name, DateTimeOffset.UtcNow, Renamed);
        foreach (var (key, value) in values)
        {
            Assert.Equal(value, await after.Cache.GetAsync(key));
        }
    }

    [Fact]
    public async Task Upgrade_InterruptedWhileDecoding_IsFinishedByRunningItAgain()
    {
        await using var table = await TestTable.CreateAsync(MinimalTable);
        var values = Values(count: 6);
        await WriteAsync(table.Name, values, DateTimeOffset.UtcNow);

        // The state a run leaves when stopped in its third step: the staging column added and one value decoded into it.
        var (firstKey, firstValue) = values.First();
        await TestDatabase.ExecuteAsync($"ALTER TABLE `{table.Name}` ADD COLUMN sessionstore_upgrade_data MEDIUMBLOB NULL AFTER session_data");
        await TestDatabase.ExecuteAsync($"UPDATE `{table.Name}` SET sessionstore_upgrade_data = @value WHERE id = @id",
            ("@value", firstValue), ("@id", StoredId.Digest(firstKey)));

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "upgrade")).ShouldExitWith(0);

        Assert.Contains($"values decoded from Base64: {values.Count - 1}; kept as stored (not Base64): 0", result.Output, StringComparison.Ordinal);
        using var after = await CacheOnTable.CreateAsync(table.Name, DateTimeOffset.UtcNow);
        foreach (var (key, value) in values)
        {
            Assert.Equal(value, await after.Cache.GetAsync(key));
        }
    }

    [Fact]
    public async Task Upgrade_InterruptedAfterDroppingTheTextColumn_RenamesTheStagingColumn()
    {
        await using var table = await TestTable.CreateFullAsync();
        var values = Values(count: 4);
        await WriteAsync(table.Name, values, DateTimeOffset.UtcNow);
        await TestDatabase.ExecuteAsync($"ALTER TABLE `{table.Name}` CHANGE COLUMN session_data sessionstore_upgrade_data MEDIUMBLOB NULL");
        var verify = (await CliTool.RunOnAsync(table.Name, "schema", "verify")).ShouldExitWith(1);

        (await CliTool.RunOnAsync(table.Name, "schema", "upgrade")).ShouldExitWith(0);

        Assert.Contains("left by an upgrade that was interrupted", verify.Output, StringComparison.Ordinal);
        Assert.Equal(TableLayout.Default, (await TestDatabase.ShapeAsync(table.Name)).Layout);
        using var after = await CacheOnTable.CreateAsync(table.Name, DateTimeOffset.UtcNow);
        foreach (var (key, value) in values)
        {
            Assert.Equal(value, await after.Cache.GetAsync(key));
        }
    }

    [Fact]
    public async Task Upgrade_DryRun_PrintsTheStatements_AndChangesNothing()
    {
        await using var table = await TestTable.CreateAsync(MinimalTable);
        var definition = await TestDatabase.ShowCreateTableAsync(table.Name);

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "upgrade", "--dry-run")).ShouldExitWith(0);

        Assert.Contains($"ALTER TABLE `{table.Name}`", result.Output, StringComparison.Ordinal);
        Assert.Contains("ADD INDEX `ix_expires_at` (`expires_at`)", result.Output, StringComparison.Ordinal);
        Assert.Contains("Dry run: nothing was changed.", result.Output, StringComparison.Ordinal);
        Assert.Equal(definition, await TestDatabase.ShowCreateTableAsync(table.Name));
    }

    [Fact]
    public async Task Upgrade_AMemoryTable_IsRefusedWithTheReason_AndNothingChanges()
    {
        await using var table = await TestTable.CreateAsync("id CHAR(40) NOT NULL PRIMARY KEY, session_data VARCHAR(2000) NOT NULL", engine: "MEMORY");
        var definition = await TestDatabase.ShowCreateTableAsync(table.Name);

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "upgrade")).ShouldExitWith(1);

        Assert.Contains($"Cannot upgrade table '{table.Name}'", result.Error, StringComparison.Ordinal);
        Assert.Contains("it uses the MEMORY engine, which has no BLOB types", result.Error, StringComparison.Ordinal);
        Assert.Contains("Nothing was changed.", result.Error, StringComparison.Ordinal);
        Assert.Equal(definition, await TestDatabase.ShowCreateTableAsync(table.Name));
    }

    [Fact]
    public async Task Upgrade_ATableWithoutAKeyOnItsId_IsRefused()
    {
        await using var table = await TestTable.CreateAsync("id CHAR(40) NOT NULL, session_data TEXT");

        var result = (await CliTool.RunOnAsync(table.Name, "schema", "upgrade")).ShouldExitWith(1);

        Assert.Contains("column 'id' is not the primary key", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Upgrade_AMissingTable_ExitsWith1()
    {
        var result = (await CliTool.RunOnAsync("cli_no_such_table", "schema", "upgrade")).ShouldExitWith(1);

        Assert.Contains("it does not exist in database", result.Error, StringComparison.Ordinal);
    }

    private static void Renamed(DbiSessionCacheOptions options)
    {
        options.IdColumn = "sid";
        options.DataColumn = "payload";
        options.LastActiveColumn = "touched";
    }

    /// <summary>
    /// Values that try the decoding: empty, one to four bytes (every Base64 padding), bytes that are not UTF-8, the most a
    /// TEXT column holds as Base64, and bytes that are themselves text that looks like Base64 or JSON.
    /// </summary>
    private static Dictionary<string, byte[]> Values(int count = 30)
    {
        var values = new Dictionary<string, byte[]>
        {
            ["empty-" + Guid.NewGuid()] = [],
            ["one-" + Guid.NewGuid()] = [0xFF],
            ["two-" + Guid.NewGuid()] = [0x00, 0x80],
            ["three-" + Guid.NewGuid()] = [1, 2, 3],
            ["four-" + Guid.NewGuid()] = [0xC3, 0x28, 0xA0, 0xA1],
            ["largest-" + Guid.NewGuid()] = RandomNumberGenerator.GetBytes(49_149),
            ["base64-looking-" + Guid.NewGuid()] = Encoding.ASCII.GetBytes("SGVsbG8="),
            ["json-" + Guid.NewGuid()] = Encoding.UTF8.GetBytes(PerlJson),
        };
        for (var i = values.Count; i < count; i++)
        {
            values[$"random-{i}-{Guid.NewGuid()}"] = RandomNumberGenerator.GetBytes(RandomNumberGenerator.GetInt32(5, 3000));
        }

        return values.Take(count).ToDictionary();
    }

    private static async Task WriteAsync(string table, Dictionary<string, byte[]> values, DateTimeOffset now, Action<DbiSessionCacheOptions>? configure = null)
    {
        using var cache = await CacheOnTable.CreateAsync(table, now, configure);
        foreach (var (key, value) in values)
        {
            await cache.Cache.SetAsync(key, value, s_sliding);
        }
    }

    private static Task<string> RowsChecksumAsync(string table) => TestDatabase.ScalarAsync<string>(
        $"SELECT CONCAT(COUNT(*), ':', SUM(CRC32(CONCAT_WS('|', id, HEX(session_data), last_active, expires_at, " +
        $"IFNULL(sliding_window_us, '-'), IFNULL(absolute_expires_at, '-'))))) FROM `{table}`");
}
