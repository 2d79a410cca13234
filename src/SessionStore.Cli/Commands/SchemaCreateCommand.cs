using System.CommandLine;
using Dapper;
using SessionStore.Cli.Schema;
using SessionStore.Sql;

namespace SessionStore.Cli.Commands;

/// <summary><c>schema create</c>: creates the full-schema table unless it exists.</summary>
internal static class SchemaCreateCommand
{
    public static Command Create(CommonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var command = new Command("create",
            "Create the table with the full schema (schema/mysql/001_create_sessions.sql) if it does not exist. Safe to repeat: " +
            "an existing table is left as it is (see 'schema upgrade' for the ancestor's tables). " + ExitCodes.HelpText);
        options.AddConnectionOptions(command);
        SessionStoreCommand.SetAction(command, options, async context =>
        {
            var settings = context.ReadSettings(connects: true);
            SchemaScriptCommand.RequireDefaultColumnNames(settings);
            var connection = await settings.OpenAsync(context.CancellationToken).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var table = await LiveTable.ReadAsync(connection, settings.Table, context.CancellationToken).ConfigureAwait(false);
                if (table.Exists)
                {
                    await context.Output.WriteLineAsync(
                        $"Table {table.Title} already exists; nothing was changed. 'sessionstore schema verify' checks it.").ConfigureAwait(false);
                    return ExitCodes.Success;
                }

                await connection.ExecuteAsync(new CommandDefinition(
                    SqlStatements.CreateTableDdl(settings.Table), cancellationToken: context.CancellationToken)).ConfigureAwait(false);
                table = await LiveTable.ReadAsync(connection, settings.Table, context.CancellationToken).ConfigureAwait(false);
                await context.Output.WriteLineAsync($"Table {table.Title} created with the full schema.").ConfigureAwait(false);
                return ExitCodes.Success;
            }
        });
        return command;
    }
}
