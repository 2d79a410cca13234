using System.CommandLine;
using System.Globalization;
using SessionStore.Cli.Schema;
using SessionStore.Sql;

namespace SessionStore.Cli.Commands;

/// <summary><c>schema verify</c>: judges a live table exactly as the cache does when it starts.</summary>
internal static class SchemaVerifyCommand
{
    public static Command Create(CommonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var command = new Command("verify",
            "Check a live table as the cache does at startup: print the layout it would use and why, or every defect that would " +
            "stop it (exit code 1). " + ExitCodes.HelpText);
        options.AddConnectionOptions(command);
        SessionStoreCommand.SetAction(command, options, async context =>
        {
            var settings = context.ReadSettings(connects: true);
            LiveTable table;
            var connection = await settings.OpenAsync(context.CancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                table = await LiveTable.ReadAsync(connection, settings.Table, context.CancellationToken).ConfigureAwait(false);
            }

            var output = context.Output;
            await output.WriteLineAsync("Table " + table.Title).ConfigureAwait(false);
            if (!table.Exists)
            {
                await output.WriteLineAsync("Defect: the table does not exist. 'sessionstore schema create' creates it.").ConfigureAwait(false);
                return ExitCodes.TableDefects;
            }

            TableShape shape;
            try
            {
                shape = table.Shape(settings.Columns, settings.KeyStorage);
            }
            catch (InvalidOperationException ex)
            {
                await output.WriteLineAsync($"Defect: {ex.Message}").ConfigureAwait(false);
                if (table.Column(UpgradePlan.StagingColumn) is not null)
                {
                    await output.WriteLineAsync(
                        $"Hint: the column '{UpgradePlan.StagingColumn}' is left by an upgrade that was interrupted; " +
                        "'sessionstore schema upgrade' finishes it.").ConfigureAwait(false);
                }

                return ExitCodes.TableDefects;
            }

            var layout = shape.Layout;
            if (!table.IsUniqueKey(layout.IdColumn))
            {
                // The cache does not check this (yet): without a unique key, its upsert would add a row on every write.
                await output.WriteLineAsync(
                    $"Defect: column '{layout.IdColumn}' is neither the primary key nor a unique key of its own, so every write " +
                    "would add a row instead of replacing one.").ConfigureAwait(false);
                return ExitCodes.TableDefects;
            }

            await output.WriteLineAsync("OK: the cache can use this table.").ConfigureAwait(false);
            await output.WriteLineAsync($"Layout: {LayoutText.Describe(layout)}").ConfigureAwait(false);
            await output.WriteLineAsync($"Why: {shape.Reason}").ConfigureAwait(false);
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                $"Values: up to {shape.DataCapacity:N0} bytes in '{layout.DataColumn}' ({shape.DataType}); the server's " +
                $"max_allowed_packet is {shape.MaxAllowedPacket:N0} bytes")).ConfigureAwait(false);
            if (layout.Expiry == ExpiryMode.ExpiryColumns && !table.HasIndexLeadingWith(SessionColumns.ExpiresAt))
            {
                await output.WriteLineAsync(
                    $"Warning: no index on '{SessionColumns.ExpiresAt}', so every purge reads the whole table; " +
                    "'sessionstore schema upgrade' adds it.").ConfigureAwait(false);
            }

            if (table.IsMemoryEngine)
            {
                await output.WriteLineAsync("Note: the MEMORY engine loses every session when the server restarts.").ConfigureAwait(false);
            }

            if (!LayoutText.IsFullSchema(layout))
            {
                await output.WriteLineAsync(
                    "Hint: 'sessionstore schema upgrade' converts the table to the full schema in place, keeping its rows.").ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
