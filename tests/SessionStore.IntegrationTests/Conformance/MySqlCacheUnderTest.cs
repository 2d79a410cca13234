using ConformanceCache = SessionStore.Conformance.CacheUnderTest;

namespace SessionStore.IntegrationTests.Conformance;

/// <summary>A cache on the fixture's table, whose probes read the table's rows by the key's digest.</summary>
internal sealed class MySqlCacheUnderTest(SessionTableFixture table, CacheUnderTest inner)
    : ConformanceCache(inner.Cache, inner.Clock)
{
    public override async Task<bool> IsStoredAsync(string key) =>
        await table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Table}` WHERE id = @id", ("@id", Keys.StoredId.Digest(key))) > 0;

    public override async Task<DateTimeOffset> StoredExpiryAsync(string key)
    {
        var expiresAt = await table.ScalarAsync<DateTime?>(
            $"SELECT expires_at FROM `{table.Table}` WHERE id = @id", ("@id", Keys.StoredId.Digest(key)))
            ?? throw new InvalidOperationException("No row is stored for the key.");

        // DATETIME(6) holds UTC and comes back unspecified.
        return new DateTimeOffset(DateTime.SpecifyKind(expiresAt, DateTimeKind.Utc));
    }

    public override Task<long> CountStoredEntriesAsync() => table.ScalarAsync<long>($"SELECT COUNT(*) FROM `{table.Table}`");

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
    }
}
