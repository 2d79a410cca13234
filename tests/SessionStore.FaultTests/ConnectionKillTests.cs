using SessionStore.Testing;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using Microsoft.Extensions.Caching.Distributed;
using MySqlConnector;
using SessionStore.Keys;

namespace SessionStore.FaultTests;

/// <summary>
/// Connections killed from the server side (<c>KILL CONNECTION</c>, as a DBA, a proxy's idle timeout or a failover
/// would): idle ones in the cache's pool, and one in the middle of a statement.
/// </summary>
public sealed class ConnectionKillTests(OwnDatabaseFixture database, ITestOutputHelper output) : IClassFixture<OwnDatabaseFixture>
{
    private const int PooledConnections = 16;

    private static readonly DistributedCacheEntryOptions s_oneHour = new() { AbsoluteExpirationRelativeToNow = TimeSpan.FromHours(1) };

    [Fact]
    public async Task IdlePooledConnectionsKilledByTheServer_TheNextOperationsAllSucceed()
    {
        var retries = new TransientRetryCounter();
        using var sut = CacheFactory.Create(database.ConnectionString, database.Table, logger: retries);
        var keys = Enumerable.Range(0, PooledConnections).Select(i => $"{Guid.NewGuid():N}-{i}").ToArray();

        // Rounds of concurrent operations leave several connections idle in the pool.
        for (var round = 0; round < 3; round++)
        {
            await Task.WhenAll(keys.Select(key => Task.Run(() => sut.Cache.SetAsync(key, [1], s_oneHour))));
        }

        var idle = await database.ConnectionIdsAsync(command: "Sleep");
        Assert.True(idle.Count >= 2, $"Expected several idle pooled connections, found {idle.Count}.");
        foreach (var id in idle)
        {
            await database.KillConnectionAsync(id);
        }

        await WaitUntilGoneAsync(idle);

        // Sequential operations take the pooled connections one after another (the pool is LIFO), then concurrent ones.
        var failures = new List<string>();
        var operations = 0;
        for (var i = 0; i < (idle.Count * 2) + 2; i++)
        {
            operations++;
            await RecordAsync(failures, () => SetThenGetAsync(sut.Cache, keys[i % keys.Length], [2, (byte)i]));
        }

        await Task.WhenAll(keys.Select((key, i) =>
        {
            Interlocked.Increment(ref operations);
            return RecordAsync(failures, () => SetThenGetAsync(sut.Cache, key, [3, (byte)i]));
        }));

        output.WriteLine($"killed {idle.Count} idle pooled connections; then {operations} Set+Get pairs: {failures.Count} failed; transient retries: {retries}");
        foreach (var failure in failures)
        {
            output.WriteLine("  " + failure);
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {operations} operations after the kill failed instead of retrying on a new connection: {string.Join("; ", failures.Distinct())}");
    }

    [Fact]
    public async Task ConnectionKilledWhileSetWaitsForARowLock_SetSucceedsByRetryOrFailsWithTheServersError_NeverHangs_NeverWritesPartially()
    {
        var retries = new TransientRetryCounter();
        using var sut = CacheFactory.Create(database.ConnectionString, database.Table, logger: retries);
        var key = Guid.NewGuid().ToString("N");
        var storedId = StoredId.FromKey(key, DbiSessionKeyStorage.Digest, 40);
        byte[] before = [.. "before"u8], after = [.. "after"u8];
        await sut.Cache.SetAsync(key, before, new DistributedCacheEntryOptions { SlidingExpiration = TimeSpan.FromMinutes(10) });

        // Another session holds the row's lock in an open transaction, so the cache's Set waits for it.
        await using var holder = new MySqlConnection(database.ConnectionString + ";Pooling=false");
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var lockRow = new MySqlCommand($"SELECT 1 FROM `{database.Table}` WHERE id = @id FOR UPDATE", holder, transaction))
        {
            lockRow.Parameters.AddWithValue("@id", storedId);
            Assert.Equal(1L, Convert.ToInt64(await lockRow.ExecuteScalarAsync(), CultureInfo.InvariantCulture));
        }

        using var safety = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var set = sut.Cache.SetAsync(key, after, s_oneHour, safety.Token);
        var waiting = await WaitForAsync(async () =>
            await database.ConnectionIdsAsync(command: "Query", statementPrefix: "INSERT", except: holder.ServerThread) is { Count: > 0 } ids ? ids : null);
        Assert.False(set.IsCompleted, "The Set did not wait for the row lock.");

        var clock = Stopwatch.StartNew();
        await database.KillConnectionAsync(waiting.Single());

        // Give the cache time to see the kill (and to retry, if it does) before the lock is released; a retry then
        // finds the lock free and completes.
        await Task.WhenAny(set, Task.Delay(TimeSpan.FromSeconds(1)));
        var completedWhileLocked = set.IsCompleted;
        var settledAfter = clock.Elapsed;
        await transaction.RollbackAsync();

        Exception? failure = null;
        try
        {
            await set.WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            Assert.Fail("The Set still had not completed 10 s after its connection was killed and the lock released.");
        }
#pragma warning disable CA1031 // Recorded, then asserted on below.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            failure = exception;
        }

        var elapsed = completedWhileLocked ? settledAfter : clock.Elapsed;
        var (data, slidingMicroseconds, deadline) = await ReadRowAsync(storedId);
        var read = await sut.Cache.GetAsync(key);

        output.WriteLine(failure is null
            ? $"Set succeeded {elapsed.TotalMilliseconds:0} ms after its connection was killed ({(completedWhileLocked ? "before" : "after")} the lock was released); transient retries: {retries}"
            : $"Set failed {elapsed.TotalMilliseconds:0} ms after its connection was killed with {Sql.Describe(failure)}; transient retries: {retries}");
        output.WriteLine($"stored row: data '{Encoding.UTF8.GetString(data)}', sliding_window_us {slidingMicroseconds?.ToString(CultureInfo.InvariantCulture) ?? "NULL"}, absolute_expires_at {deadline?.ToString("O", CultureInfo.InvariantCulture) ?? "NULL"}");

        Assert.True(failure is null or MySqlException, $"The Set failed with {failure?.GetType().Name}, not the driver's MySqlException: {failure}");
        var wholeBefore = data.SequenceEqual(before) && slidingMicroseconds == 600_000_000L && deadline is null;
        var wholeAfter = data.SequenceEqual(after) && slidingMicroseconds is null && deadline == CacheFactory.Start.UtcDateTime.AddHours(1);
        Assert.True(wholeBefore || wholeAfter, "The row is neither the old entry nor the new one: a partial write.");
        if (failure is null)
        {
            Assert.True(wholeAfter, "The Set reported success but the row holds the old entry.");
        }

        Assert.Equal(wholeAfter ? after : before, read);
    }

    private static async Task SetThenGetAsync(IDistributedCache cache, string key, byte[] value)
    {
        await cache.SetAsync(key, value, s_oneHour);
        var read = await cache.GetAsync(key);
        if (read is null || !read.AsSpan().SequenceEqual(value))
        {
            throw new InvalidOperationException("Get did not return what Set had just written.");
        }
    }

    private static async Task RecordAsync(List<string> failures, Func<Task> operation)
    {
        try
        {
            await operation();
        }
#pragma warning disable CA1031 // Every failure is recorded and reported together.
        catch (Exception exception)
#pragma warning restore CA1031
        {
            lock (failures)
            {
                failures.Add(Sql.Describe(exception));
            }
        }
    }

    private async Task WaitUntilGoneAsync(List<long> killed) =>
        await WaitForAsync(async () => (await database.ConnectionIdsAsync()).Any(killed.Contains) ? null : killed);

    /// <summary>Polls until <paramref name="probe"/> returns something, for at most 5 s.</summary>
    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } found)
            {
                return found;
            }

            if (clock.Elapsed > TimeSpan.FromSeconds(5))
            {
                throw new TimeoutException("What the test waited for did not show up in information_schema.PROCESSLIST within 5 s.");
            }

            await Task.Delay(20);
        }
    }

    private async Task<(byte[] Data, long? SlidingMicroseconds, DateTime? Deadline)> ReadRowAsync(string storedId)
    {
        await using var connection = new MySqlConnection(database.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand(
            $"SELECT session_data, sliding_window_us, absolute_expires_at FROM `{database.Database}`.`{database.Table}` WHERE id = @id", connection);
        command.Parameters.AddWithValue("@id", storedId);
        await using var reader = await command.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), "The row is gone.");
        return (
            (byte[])reader.GetValue(0),
            reader.IsDBNull(1) ? null : reader.GetInt64(1),
            reader.IsDBNull(2) ? null : reader.GetDateTime(2));
    }
}
