using System.CommandLine;
using System.Globalization;
using SessionStore.Cli.Output;
using SessionStore.Cli.Schema;
using SessionStore.Sweeping;
using SessionStore.Sql;

namespace SessionStore.Cli.Commands;

/// <summary><c>purge</c>: deletes expired entries in small batches, as the library's sweeper does.</summary>
internal static class PurgeCommand
{
    public static Command Create(CommonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var batchSize = new Option<int>("--batch-size")
        {
            Description = "Rows one DELETE removes (1 to 100000); small batches keep locks short.",
            DefaultValueFactory = _ => 1000,
            HelpName = "rows",
        };
        batchSize.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 100_000)
            {
                result.AddError("--batch-size must be from 1 to 100000.");
            }
        });
        var pause = new Option<int>("--pause-ms")
        {
            Description = "Milliseconds to wait between batches, leaving room for the apps' own statements.",
            DefaultValueFactory = _ => 50,
            HelpName = "ms",
        };
        pause.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--pause-ms must not be negative.");
            }
        });
        var command = new Command("purge",
            "Delete the expired entries, a batch at a time, with the cache's own notion of expired. Shows progress on a " +
            "terminal; prints one line otherwise. Ctrl+C stops between batches (exit code 130). " + ExitCodes.HelpText)
        {
            batchSize,
            pause,
            options.SlidingWindow,
        };
        options.AddConnectionOptions(command);
        SessionStoreCommand.SetAction(command, options, async context =>
        {
            var settings = context.ReadSettings(connects: true);
            SqlStatements statements;
            LiveTable table;
            var connection = await settings.OpenAsync(context.CancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                table = await LiveTable.ReadAsync(connection, settings.Table, context.CancellationToken).ConfigureAwait(false);
                statements = new SqlStatements(table.Name, table.Dialect, StatsCommand.UsableShape(table, settings).Layout);
            }

            var output = context.Output;
            if (statements.PurgeExpired is null)
            {
                await output.WriteLineAsync($"Table {table.Title} keeps no expiry ({LayoutText.Describe(statements.Layout)}): " +
                    "nothing to purge.").ConfigureAwait(false);
                return ExitCodes.Success;
            }

            var progress = new PurgeProgress(output, interactive: !Console.IsOutputRedirected);
            var stop = context.CancellationToken;
            long deleted;
            try
            {
                // Ctrl+C is checked as each batch starts, not passed to the DELETE: a batch that has started finishes.
                deleted = await ExpiredEntryPurge.RunAsync(
                    async _ =>
                    {
                        stop.ThrowIfCancellationRequested();
                        return await settings.OpenAsync(CancellationToken.None).ConfigureAwait(false);
                    },
                    statements,
                    TimeProvider.System.GetUtcNow().UtcDateTime,
                    settings.SlidingWindow,
                    context.GetValue(batchSize),
                    TimeSpan.FromMilliseconds(context.GetValue(pause)),
                    progress,
                    CancellationToken.None).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                progress.Finish();
                await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                    $"Stopped by Ctrl+C after deleting {progress.Deleted} expired rows from '{table.Name}'.")).ConfigureAwait(false);
                return ExitCodes.Interrupted;
            }

            progress.Finish();
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Deleted {deleted} expired rows from '{table.Name}'.")).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }
}
