using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using MySqlConnector;

namespace SessionStore.Cli.Commands;

/// <summary>The <c>sessionstore</c> command tree, and running it.</summary>
internal static class SessionStoreCommand
{
    public const string Name = "sessionstore";

    /// <summary>
    /// How long Ctrl+C waits for a verb to stop by itself — purge finishes its batch; upgrade cancels its statement, which
    /// the server rolls back — before the process ends anyway with exit code 130. Either way nothing is left half done:
    /// every statement is atomic, and upgrade resumes where it stopped.
    /// </summary>
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(10);

    public static Command Create()
    {
        var options = new CommonOptions();
        var schema = new Command("schema", "Script, create, upgrade or verify the sessions table.")
        {
            SchemaScriptCommand.Create(options),
            SchemaCreateCommand.Create(options),
            SchemaUpgradeCommand.Create(options),
            SchemaVerifyCommand.Create(options),
        };

        // A plain Command rather than RootCommand, whose name is the assembly's (SessionStore.Cli), not the tool's.
        return new Command(Name,
            "Tools for the SessionStore sessions table (MySQL/MariaDB): its schema, including the Perl Dancer ancestor's " +
            "tables, statistics and purging expired sessions. Connection settings come from the same options as the library: " +
            "--settings appsettings.json, environment variables such as SessionStore__Dsn, or --dsn/--user/--password. " +
            ExitCodes.HelpText)
        {
            Options = { new HelpOption(), new VersionOption() },
            Subcommands = { schema, StatsCommand.Create(options), PurgeCommand.Create(options) },
        };
    }

    public static async Task<int> InvokeAsync(string[] args)
    {
        var parseResult = Create().Parse(args);
        if (parseResult.Action is ParseErrorAction)
        {
            // Usage errors exit with 2, as the help text promises (System.CommandLine's own code for them is 1).
            foreach (var error in parseResult.Errors)
            {
                await Console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            }

            var path = new List<string>();
            for (SymbolResult? result = parseResult.CommandResult; result is CommandResult command; result = command.Parent)
            {
                path.Insert(0, command.Command.Name);
            }

            await Console.Error.WriteLineAsync($"Run '{string.Join(' ', path)} --help' for usage.").ConfigureAwait(false);
            return ExitCodes.Error;
        }

        try
        {
            return await parseResult.InvokeAsync(new InvocationConfiguration
            {
                ProcessTerminationTimeout = s_stopTimeout,
                EnableDefaultExceptionHandler = false,
            }).ConfigureAwait(false);
        }
        finally
        {
            await MySqlConnection.ClearAllPoolsAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Runs <paramref name="action"/> for <paramref name="command"/>, turning the errors it may meet into exit codes.</summary>
    public static void SetAction(Command command, CommonOptions options, Func<CommandContext, Task<int>> action)
    {
        ArgumentNullException.ThrowIfNull(command);
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            using var context = new CommandContext(parseResult, options, cancellationToken);
            try
            {
                return await action(context).ConfigureAwait(false);
            }
            catch (CommandException ex)
            {
                await context.Error.WriteLineAsync(ex.Message).ConfigureAwait(false);
                return ex.ExitCode;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                await context.Error.WriteLineAsync("Stopped by Ctrl+C.").ConfigureAwait(false);
                return ExitCodes.Interrupted;
            }
            catch (MySqlException ex)
            {
                // The server's message names the problem (never a password); the number is what to search the manual for.
                await context.Error.WriteLineAsync($"The server reported error {(int)ex.ErrorCode} ({ex.ErrorCode}): {ex.Message}").ConfigureAwait(false);
                return ExitCodes.Error;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A bug of ours: say so with the stack, and keep exit code 1 for what it promises (a table with defects).
                await context.Error.WriteLineAsync($"Unexpected error: {ex}").ConfigureAwait(false);
                return ExitCodes.Error;
            }
        });
    }
}
