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
/// It also owns which tables the background sweep may delete from at all: see <see cref="MaySweep"/>.
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
    private int _sharedLayoutSkipLogged;

    /// <summary>Returns the rows deleted, or <see langword="null"/> when another server is sweeping.</summary>
    public async Task<long?> RunAsync(CancellationToken cancellationToken)
    {
        var binding = await binder.BindAsync(isAsync: true, cancellationToken).ConfigureAwait(false);
        if (binding.Statements.PurgeExpired is null)
        {
            return 0; // The table keeps no expiry: nothing ever expires.
        }

        if (!MaySweep(binding.Shape.Layout.Expiry, options))
        {
            if (Interlocked.Exchange(ref _sharedLayoutSkipLogged, 1) == 0)
            {
                LogSharedLayoutNotSwept(logger, table, options.DefaultSlidingExpiration);
            }

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
    /// Whether the background sweep may delete from a table of this layout. A table with the expiry columns holds only rows
    /// written by this library (another application's inserts fail there: <c>expires_at</c> has no default), so its expired
    /// rows are ours to delete. A table without them may be shared with the Perl app it came from, whose rows look exactly
    /// like ours: an old <c>last_active</c> there is a Dancer session the Perl app still honours, since
    /// Dancer::Session::DBI expires nothing. So the sweep leaves such a table alone unless the operator opts in. The CLI's
    /// <c>purge</c> is the operator asking, and does not consult this.
    /// </summary>
    internal static bool MaySweep(ExpiryMode expiry, DbiSessionCacheOptions options) =>
        expiry == ExpiryMode.ExpiryColumns || options.SweepTablesWithoutExpiryColumns;

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

    [LoggerMessage(EventId = 1203, EventName = "SharedLayoutNotSwept", Level = LogLevel.Information,
        Message = "DbiSessionCache does not sweep {Table}: the table has no expiry columns, so the cache cannot tell its own rows " +
            "from those of another application sharing it (such as a Dancer app), and deletes none of them. To delete rows idle " +
            "longer than DefaultSlidingExpiration ({Window}) when no other application needs them, set " +
            "SweepTablesWithoutExpiryColumns = true; once no other application writes the table, run 'sessionstore schema " +
            "upgrade', after which the sweep deletes expired rows. Logged once")]
    private static partial void LogSharedLayoutNotSwept(ILogger logger, TableName table, TimeSpan window);
}
