using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Microsoft.Extensions.Logging;
using SessionStore.Connections;
using SessionStore.Diagnostics;
using SessionStore.Schema;
using SessionStore.Sql;

namespace SessionStore.Sweeping;

/// <summary>
/// How one sweep of a table runs: under a farm-wide lock (a MySQL named lock per database and table, held on its own
/// connection for the sweep's length), in batches of <see cref="DbiSessionCacheOptions.SweepBatchSize"/> with
/// <see cref="DbiSessionCacheOptions.SweepBatchPause"/> between them. <see cref="ExpiredEntrySweeper"/> decides when.
/// </summary>
internal sealed partial class TableSweep(
    DbiSessionCacheOptions options,
    TableName table,
    TableBinder binder,
    ConnectionSource connections,
    Func<DateTime> now,
    Func<CancellationToken, ValueTask> afterSweep,
    ILogger logger)
{
    private readonly string _tableName = table.ToString();

    /// <summary>Returns the rows deleted, or <see langword="null"/> when another server is sweeping.</summary>
    public async Task<long?> RunAsync(CancellationToken cancellationToken)
    {
        var binding = await binder.BindAsync(isAsync: true, cancellationToken).ConfigureAwait(false);
        if (binding.Statements.PurgeExpired is null)
        {
            return 0;
        }

        var lockConnection = await connections.OpenAsync(isAsync: true, cancellationToken).ConfigureAwait(false);
        await using (lockConnection.ConfigureAwait(false))
        {
            var lockName = SweepLockName(lockConnection.Database);
            var taken = await lockConnection.ExecuteScalarAsync<long?>(new CommandDefinition(
                SqlStatements.TryTakeSweepLock, new { lock_name = lockName }, cancellationToken: cancellationToken)).ConfigureAwait(false);
            if (taken != 1)
            {
                LogSweepSkipped(logger, table);
                return null;
            }

            try
            {
                var started = Stopwatch.GetTimestamp();
                var deleted = await ExpiredEntryPurge.RunAsync(
                    token => connections.OpenAsync(isAsync: true, token),
                    binding.Statements,
                    now(),
                    options.DefaultSlidingExpiration,
                    options.SweepBatchSize,
                    options.SweepBatchPause,
                    progress: null,
                    cancellationToken).ConfigureAwait(false);
                var duration = Stopwatch.GetElapsedTime(started);
                LogSweepCompleted(logger, table, deleted, duration);
                var tags = new KeyValuePair<string, object?>("db.collection.name", _tableName);
                CacheInstrumentation.SweptEntries.Add(deleted, tags);
                CacheInstrumentation.SweepDuration.Record(duration.TotalSeconds, tags);
                await afterSweep(cancellationToken).ConfigureAwait(false);
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
        var qualified = (table.Database ?? connectionDatabase) + "." + table.Table;
        var digest = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(qualified)).AsSpan(0, 16));
        return "sessionstore.sweep." + digest;
    }

    // Event ids 1200-1299: the sweep (see DbiSessionCache.Log.cs for the ranges).
    [LoggerMessage(EventId = 1200, EventName = "SweepCompleted", Level = LogLevel.Information,
        Message = "DbiSessionCache swept {Deleted} expired entries from {Table} in {Duration}")]
    private static partial void LogSweepCompleted(ILogger logger, TableName table, long deleted, TimeSpan duration);

    [LoggerMessage(EventId = 1201, EventName = "SweepSkipped", Level = LogLevel.Debug,
        Message = "DbiSessionCache skipped the sweep of {Table}: another server holds the sweep lock")]
    private static partial void LogSweepSkipped(ILogger logger, TableName table);
}
