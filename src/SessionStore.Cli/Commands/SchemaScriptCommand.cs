using System.CommandLine;
using SessionStore.Cli.Schema;
using SessionStore.Sql;

namespace SessionStore.Cli.Commands;

/// <summary><c>schema script</c>: prints the DDL, without connecting.</summary>
internal static class SchemaScriptCommand
{
    public static Command Create(CommonOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var minimal = new Option<bool>("--minimal")
        {
            Description = "Print the Perl ancestor's minimal table (id, TEXT data, last_active TIMESTAMP) instead, for completeness: " +
                "the cache uses it as it stands, with the limits 'schema verify' reports.",
        };
        var command = new Command("script",
            "Print the DDL of the table: the full schema (schema/mysql/001_create_sessions.sql) for --table, or with --minimal the " +
            "ancestor's. Connects to nothing. " + ExitCodes.HelpText)
        {
            minimal,
        };
        options.AddTableOptions(command);
        SessionStoreCommand.SetAction(command, options, async context =>
        {
            var settings = context.ReadSettings(connects: false);
            string ddl;
            if (context.GetValue(minimal))
            {
                ddl = CliStatements.MinimalTableDdl(settings.Table, settings.Columns);
            }
            else
            {
                RequireDefaultColumnNames(settings);
                ddl = SqlStatements.CreateTableDdl(settings.Table);
            }

            await context.Output.WriteLineAsync(ddl).ConfigureAwait(false);
            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The full schema's DDL names its columns as schema 001 does; other names apply to existing tables.</summary>
    internal static void RequireDefaultColumnNames(Settings.ToolSettings settings)
    {
        if (!settings.HasDefaultColumnNames)
        {
            throw new CommandException(ExitCodes.Error,
                $"The full schema names its columns {SessionColumns.Id}, {SessionColumns.Data} and {SessionColumns.LastActive} " +
                $"(schema/mysql/001), but the settings name them {settings.Columns.Id}, {settings.Columns.Data} and " +
                $"{settings.Columns.LastActive}. Column names apply to existing tables (verify, upgrade, stats, purge) and to --minimal.");
        }
    }
}
