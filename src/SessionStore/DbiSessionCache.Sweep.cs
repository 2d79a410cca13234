using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using MySqlConnector;
using SessionStore.Internal;
using SessionStore.Sql;

namespace SessionStore;

public sealed partial class DbiSessionCache
{
    /// <summary>
    /// Deletes this table's expired entries in batches, if this process takes the farm-wide sweep lock (a MySQL named lock
    /// per database and table, held on its own connection for the sweep's length). Returns the rows deleted, or
    /// <see langword="null"/> when another server is sweeping.
    /// </summary>
    internal async Task<long?> SweepExpiredAsync(CancellationToken cancellationToken)
    {
        var binding = await BindAsync(isAsync: true, cancellationToken).ConfigureAwait(false);
        if (binding.Statements.PurgeExpired is null)
        {
            return 0;
        }

        var lockConnection = await _connections.OpenAsync(isAsync: true, cancellationToken).ConfigureAwait(false);
        await using (lockConnection.ConfigureAwait(false))
        {
            var lockName = SweepLockName(lockConnection.Database);
            var taken = await lockConnection.ExecuteScalarAsync<long?>(new CommandDefinition(
                SqlStatements.TryTakeSweepLock, new { lock_name = lockName }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (taken != 1)
            {
                LogSweepSkipped(_table);
                return null;
            }

            try
            {
                var started = Stopwatch.GetTimestamp();
                var deleted = await ExpiredEntryPurge.RunAsync(
                    token => _connections.OpenAsync(isAsync: true, token),
                    binding.Statements,
                    Now(),
                    _defaultSlidingWindow,
                    _sweepBatchSize,
                    _sweepBatchPause,
                    progress: null,
                    cancellationToken).ConfigureAwait(false);
                var duration = Stopwatch.GetElapsedTime(started);
                LogSweepCompleted(_table, deleted, duration);
                var tags = new KeyValuePair<string, object?>("db.collection.name", _tableName);
                CacheInstrumentation.SweptEntries.Add(deleted, tags);
                CacheInstrumentation.SweepDuration.Record(duration.TotalSeconds, tags);
                await RefreshEstimatedEntriesAsync(cancellationToken).ConfigureAwait(false);
                return deleted;
            }
            finally
            {
                await lockConnection.ExecuteAsync(new CommandDefinition(
                    SqlStatements.ReleaseSweepLock, new { lock_name = lockName }, cancellationToken: CancellationToken.None)).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// A lock name per database and table, within MySQL's 64-character limit on lock names: the names themselves may be up
    /// to 64 characters each, so they are digested.
    /// </summary>
    private string SweepLockName(string connectionDatabase)
    {
        var qualified = (_table.Database ?? connectionDatabase) + "." + _table.Table;
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(qualified)).AsSpan(0, 16));
        return "sessionstore.sweep." + digest;
    }
}
