using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Dapper;
using SessionStore.Cli.Schema;
using SessionStore.Cli.Settings;

namespace SessionStore.Cli.Commands;

/// <summary><c>schema upgrade</c>: gives an existing table the full schema in place, keeping every row.</summary>
internal static class SchemaUpgradeCommand
{
    public static Command Create(CommonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var dryRun = new Option<bool>("--dry-run") { Description = "Print the steps and their SQL; change nothing." };
        var command = new Command("upgrade",
            "Convert an existing table — the Perl ancestor's (id + TEXT data, with or without last_active) or one with renamed " +
            "columns (--id-column, --data-column, --last-active-column) — to the full schema in place, keeping every row: add " +
            "last_active (filled with now), the expiry columns (expires_at = last_active + --sliding-window) and their index; " +
            "convert a text data column to MEDIUMBLOB, decoding the Base64 the cache wrote and keeping any other value's bytes " +
            "(such as the Perl app's JSON); convert TIMESTAMP columns to UTC DATETIME(6); give the id a binary collation. " +
            "Stop the apps that write to the table first, and restart them after. Safe to repeat: an up-to-date table is left " +
            "as it is, and an interrupted upgrade is finished by running it again. " + ExitCodes.HelpText)
        {
            options.SlidingWindow,
            dryRun,
        };
        options.AddConnectionOptions(command);
        SessionStoreCommand.SetAction(command, options, async context =>
        {
            var settings = context.ReadSettings(connects: true);
            var output = context.Output;
            var connection = await settings.OpenAsync(context.CancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var table = await LiveTable.ReadAsync(connection, settings.Table, context.CancellationToken).ConfigureAwait(false);
                var plan = UpgradePlan.For(table, settings.Columns, settings.KeyStorage);
                if (plan.Refusals.Count > 0)
                {
                    await context.Error.WriteLineAsync(
                        $"Cannot upgrade table {table.Title}:{Environment.NewLine}  - {string.Join(Environment.NewLine + "  - ", plan.Refusals)}" +
                        $"{Environment.NewLine}Nothing was changed.").ConfigureAwait(false);
                    return ExitCodes.TableDefects;
                }

                if (plan.IsUpToDate)
                {
                    await output.WriteLineAsync($"Table {table.Title} is already up to date; nothing was changed.").ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                await output.WriteLineAsync($"Upgrading table {table.Title} to the full schema; existing rows get the sliding window " +
                    $"{Duration.Format(settings.SlidingWindow)} from their last activity.").ConfigureAwait(false);
                if (context.GetValue(dryRun))
                {
                    foreach (var (step, number) in plan.Steps.Select((s, i) => (s, i + 1)))
                    {
                        await output.WriteLineAsync($"{number}. {step.Description}{Environment.NewLine}{step.Sql}").ConfigureAwait(false);
                    }

                    await output.WriteLineAsync("Dry run: nothing was changed.").ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                await connection.ExecuteAsync(new CommandDefinition(CliStatements.UseUtc, cancellationToken: context.CancellationToken)).ConfigureAwait(false);
                var upgrade = new UpgradeContext(connection, TimeProvider.System.GetUtcNow().UtcDateTime, settings.SlidingWindow, context.CancellationToken);
                try
                {
                    foreach (var (step, number) in plan.Steps.Select((s, i) => (s, i + 1)))
                    {
                        await output.WriteLineAsync($"{number}/{plan.Steps.Count}. {step.Description}").ConfigureAwait(false);
                        var started = Stopwatch.GetTimestamp();
                        var result = await step.ExecuteAsync(upgrade).ConfigureAwait(false);
                        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                            $"     {result} ({Stopwatch.GetElapsedTime(started).TotalSeconds:0.00} s)")).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
                {
                    await context.Error.WriteLineAsync(
                        "Stopped by Ctrl+C. Each step is atomic or resumable: run 'sessionstore schema upgrade' again to finish.").ConfigureAwait(false);
                    return ExitCodes.Interrupted;
                }

                // Judge the result as the cache will, from a fresh look at the table.
                table = await LiveTable.ReadAsync(connection, settings.Table, context.CancellationToken).ConfigureAwait(false);
                var shape = table.Shape(settings.Columns, settings.KeyStorage);
                if (!UpgradePlan.For(table, settings.Columns, settings.KeyStorage).IsUpToDate || !LayoutText.IsFullSchema(shape.Layout))
                {
                    throw new CommandException(ExitCodes.Error,
                        $"The upgrade ran, but the table is not yet up to date (it reads as {LayoutText.Describe(shape.Layout)}); run it again.");
                }

                await output.WriteLineAsync($"Done: the cache will use the table as the {LayoutText.Describe(shape.Layout)}. " +
                    "Restart the apps that use it: a running cache keeps the layout it read when it started.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
        });
        return command;
    }
}
