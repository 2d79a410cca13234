using System.CommandLine;
using System.Globalization;
using Dapper;
using SessionStore.Cli.Output;
using SessionStore.Cli.Schema;
using SessionStore.Cli.Settings;
using SessionStore.Sql;

namespace SessionStore.Cli.Commands;

/// <summary><c>stats</c>: rows, expired rows, bytes and activity, with the cache's own notion of expired.</summary>
internal static class StatsCommand
{
    public static Command Create(CommonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var command = new Command("stats",
            "Print the table's rows, expired rows, data bytes and oldest and newest activity (UTC). Reads the whole table: " +
            "run it off-peak on a large one. " + ExitCodes.HelpText)
        {
            options.SlidingWindow,
        };
        options.AddConnectionOptions(command);
        SessionStoreCommand.SetAction(command, options, async context =>
        {
            var settings = context.ReadSettings(connects: true);
            var connection = await settings.OpenAsync(context.CancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var table = await LiveTable.ReadAsync(connection, settings.Table, context.CancellationToken).ConfigureAwait(false);
                var shape = UsableShape(table, settings);
                var statements = new SqlStatements(table.Name, table.Dialect, shape.Layout);
                var statistics = await connection.QuerySingleAsync<TableStatistics>(new CommandDefinition(
                    statements.Statistics,
                    new Dictionary<string, object>
                    {
                        [SqlStatements.NowParameter] = TimeProvider.System.GetUtcNow().UtcDateTime,
                        [SqlStatements.SlidingWindowParameter] = settings.SlidingWindow.Ticks / TimeSpan.TicksPerMicrosecond,
                    },
                    cancellationToken: context.CancellationToken)).ConfigureAwait(false);

                var expiredNote = shape.Layout.Expiry switch
                {
                    ExpiryMode.LastActive => $" (idle longer than {Duration.Format(settings.SlidingWindow)})",
                    ExpiryMode.None => " (entries never expire in this layout)",
                    _ => "",
                };
                var encodingNote = shape.Layout.Encoding == DataEncoding.Base64Text ? " (as stored: Base64 text)" : "";
                var lines = new[]
                {
                    "Table " + table.Title,
                    $"Layout:          {LayoutText.Describe(shape.Layout)}",
                    Invariant($"Rows:            {statistics.TotalRows}"),
                    Invariant($"Expired rows:    {statistics.ExpiredRows}{expiredNote}"),
                    Invariant($"Data bytes:      {statistics.DataBytes}{encodingNote}"),
                    $"Oldest activity: {Instant(statistics.OldestActivity, shape.Layout)}",
                    $"Newest activity: {Instant(statistics.NewestActivity, shape.Layout)}",
                };
                foreach (var line in lines)
                {
                    await context.Output.WriteLineAsync(line).ConfigureAwait(false);
                }

                return ExitCodes.Success;
            }
        });
        return command;
    }

    /// <summary>The layout the cache would use; a table it cannot use ends the verb with exit code 1 and the defects.</summary>
    internal static TableShape UsableShape(LiveTable table, ToolSettings settings)
    {
        if (!table.Exists)
        {
            throw new CommandException(ExitCodes.TableDefects, $"Table {table.Title} does not exist.");
        }

        try
        {
            return table.Shape(settings.Columns, settings.KeyStorage);
        }
        catch (InvalidOperationException ex)
        {
            throw new CommandException(ExitCodes.TableDefects, ex.Message);
        }
    }

    private static string Instant(DateTime? instant, TableLayout layout) => instant switch
    {
        { } value => value.ToString("yyyy-MM-dd HH:mm:ss.ffffff 'UTC'", CultureInfo.InvariantCulture),
        null when layout.Expiry == ExpiryMode.None => "n/a (the table has no last-activity column)",
        null => "none (the table is empty)",
    };

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
