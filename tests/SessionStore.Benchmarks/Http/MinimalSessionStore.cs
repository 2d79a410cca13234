using Microsoft.Extensions.Caching.Distributed;
using MySqlConnector;

namespace SessionStore.Benchmarks.Http;

/// <summary>
/// The least a MySQL session store can do behind the stock session middleware: one parameterized primary-key
/// <c>SELECT</c> per Get (expired rows are not returned), one upsert per Set, one <c>DELETE</c> per Remove, and nothing
/// at all on Refresh (so its sessions never slide). The key is stored as it is (session keys are 36-character GUIDs,
/// within the schema's <c>CHAR(40)</c> id). Sync and async members share one body, switched by <c>async</c>, as
/// MySqlConnector does; with <c>async: false</c> the body does real synchronous I/O and its task is complete on return.
/// </summary>
internal sealed class MinimalSessionStore : IDistributedCache
{
    private static readonly long s_defaultSlidingMicroseconds = (long)BenchmarkSettings.SlidingWindow.TotalMicroseconds;

    private readonly MySqlDataSource _dataSource;
    private readonly string _select;
    private readonly string _upsert;
    private readonly string _delete;

    public MinimalSessionStore(MySqlDataSource dataSource, string table, bool useRowAlias)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        _dataSource = dataSource;
        var t = SqlText.QuoteIdentifier(table);
        _select = $"SELECT session_data FROM {t} WHERE id = @id AND expires_at > @now";
        _delete = $"DELETE FROM {t} WHERE id = @id";
        var insert = $"""
            INSERT INTO {t} (id, session_data, last_active, expires_at, sliding_window_us, absolute_expires_at)
              VALUES (@id, @data, @now, @expires_at, @sliding_window_us, @absolute_expires_at)
            """;
        _upsert = useRowAlias
            ? $"""
                {insert} AS new ON DUPLICATE KEY UPDATE session_data = new.session_data, last_active = new.last_active,
                  expires_at = new.expires_at, sliding_window_us = new.sliding_window_us, absolute_expires_at = new.absolute_expires_at
                """
            : $"""
                {insert} ON DUPLICATE KEY UPDATE session_data = VALUES(session_data), last_active = VALUES(last_active),
                  expires_at = VALUES(expires_at), sliding_window_us = VALUES(sliding_window_us), absolute_expires_at = VALUES(absolute_expires_at)
                """;
    }

    public byte[]? Get(string key) => GetCoreAsync(key, async: false, CancellationToken.None).GetAwaiter().GetResult();

    public Task<byte[]?> GetAsync(string key, CancellationToken token = default) => GetCoreAsync(key, async: true, token);

    public void Set(string key, byte[] value, DistributedCacheEntryOptions options) =>
        SetCoreAsync(key, value, options, async: false, CancellationToken.None).GetAwaiter().GetResult();

    public Task SetAsync(string key, byte[] value, DistributedCacheEntryOptions options, CancellationToken token = default) =>
        SetCoreAsync(key, value, options, async: true, token);

    public void Refresh(string key) => ArgumentNullException.ThrowIfNull(key);

    public Task RefreshAsync(string key, CancellationToken token = default)
    {
        ArgumentNullException.ThrowIfNull(key);
        return Task.CompletedTask;
    }

    public void Remove(string key) => RemoveCoreAsync(key, async: false, CancellationToken.None).GetAwaiter().GetResult();

    public Task RemoveAsync(string key, CancellationToken token = default) => RemoveCoreAsync(key, async: true, token);

    private async Task<byte[]?> GetCoreAsync(string key, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = async ? await _dataSource.OpenConnectionAsync(cancellationToken) : _dataSource.OpenConnection();
        await using var command = new MySqlCommand(_select, connection);
        command.Parameters.AddWithValue("@id", key);
        command.Parameters.AddWithValue("@now", SqlText.UtcNowMicroseconds());
        await using var reader = async ? await command.ExecuteReaderAsync(cancellationToken) : command.ExecuteReader();
        var found = async ? await reader.ReadAsync(cancellationToken) : reader.Read();
        return found ? reader.GetFieldValue<byte[]>(0) : null;
    }

    private async Task SetCoreAsync(string key, byte[] value, DistributedCacheEntryOptions options, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        ArgumentNullException.ThrowIfNull(options);
        var now = SqlText.UtcNowMicroseconds();
        DateTime? absolute = options.AbsoluteExpiration?.UtcDateTime ?? (now + options.AbsoluteExpirationRelativeToNow);
        long? slidingMicroseconds = options.SlidingExpiration is { } sliding ? (long)sliding.TotalMicroseconds : null;
        if (absolute is null && slidingMicroseconds is null)
        {
            slidingMicroseconds = s_defaultSlidingMicroseconds;
        }

        var expiresAt = slidingMicroseconds is { } window ? now.AddTicks(window * 10) : absolute!.Value;
        if (absolute < expiresAt)
        {
            expiresAt = absolute.Value;
        }

        await using var connection = async ? await _dataSource.OpenConnectionAsync(cancellationToken) : _dataSource.OpenConnection();
        await using var command = new MySqlCommand(_upsert, connection);
        command.Parameters.AddWithValue("@id", key);
        command.Parameters.AddWithValue("@data", value);
        command.Parameters.AddWithValue("@now", now);
        command.Parameters.AddWithValue("@expires_at", expiresAt);
        command.Parameters.AddWithValue("@sliding_window_us", slidingMicroseconds);
        command.Parameters.AddWithValue("@absolute_expires_at", absolute);
        _ = async ? await command.ExecuteNonQueryAsync(cancellationToken) : command.ExecuteNonQuery();
    }

    private async Task RemoveCoreAsync(string key, bool async, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(key);
        await using var connection = async ? await _dataSource.OpenConnectionAsync(cancellationToken) : _dataSource.OpenConnection();
        await using var command = new MySqlCommand(_delete, connection);
        command.Parameters.AddWithValue("@id", key);
        _ = async ? await command.ExecuteNonQueryAsync(cancellationToken) : command.ExecuteNonQuery();
    }
}
