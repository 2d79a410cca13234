using System.CommandLine;
using System.CommandLine.Parsing;
using SessionStore.Cli.Settings;

namespace SessionStore.Cli.Commands;

/// <summary>
/// The options every verb shares: where the settings come from and which table and columns to use. Each overrides the
/// same-named setting of the library's options (<c>Dsn</c>, <c>User</c>, <c>Password</c>, <c>Table</c>, …).
/// </summary>
internal sealed class CommonOptions
{
    public Option<FileInfo> Settings { get; } = new("--settings")
    {
        Description = "A JSON settings file (the app's appsettings.json) to read the section from. Environment variables " +
            "(SessionStore__Dsn, SessionStore__Password, …) override it, and the options below override both.",
        HelpName = "file",
    };

    public Option<string> Section { get; } = new("--section")
    {
        Description = "The settings section that holds the options.",
        DefaultValueFactory = _ => "SessionStore",
        HelpName = "name",
    };

    public Option<string> Dsn { get; } = new("--dsn")
    {
        Description = "A MySqlConnector connection string, or a Perl DBI DSN such as DBI:mysql:database=NAME;host=HOST;port=PORT.",
        HelpName = "dsn",
    };

    public Option<string> User { get; } = new("--user")
    {
        Description = "The user; overrides one in the DSN.",
        HelpName = "user",
    };

    public Option<string> Password { get; } = new("--password")
    {
        Description = "The password; overrides one in the DSN. Prefer the environment variable SessionStore__Password: " +
            "other users of the machine can read command lines.",
        HelpName = "password",
    };

    public Option<string> Table { get; } = new("--table")
    {
        Description = "The table, optionally database.table. Default: the settings' Table, else sessions.",
        HelpName = "name",
    };

    public Option<string> IdColumn { get; } = new("--id-column")
    {
        Description = "The id column's name (IdColumn). Default: id.",
        HelpName = "name",
    };

    public Option<string> DataColumn { get; } = new("--data-column")
    {
        Description = "The data column's name (DataColumn). Default: session_data.",
        HelpName = "name",
    };

    public Option<string> LastActiveColumn { get; } = new("--last-active-column")
    {
        Description = "The last-activity column's name (LastActiveColumn). Default: last_active.",
        HelpName = "name",
    };

    public Option<TimeSpan?> SlidingWindow { get; } = new("--sliding-window")
    {
        Description = $"How long after its last use an entry expires in a table without expiry columns, and the window " +
            $"upgrade gives existing rows ({Duration.Examples}). Default: the settings' DefaultSlidingExpiration, else 20m.",
        HelpName = "duration",
        CustomParser = ParseDuration,
    };

    /// <summary>The options of a verb that only names a table: the settings sources, the table and its columns.</summary>
    public void AddTableOptions(Command command)
    {
        ArgumentNullException.ThrowIfNull(command);
        foreach (var option in new Option[] { Settings, Section, Table, IdColumn, DataColumn, LastActiveColumn })
        {
            command.Options.Add(option);
        }
    }

    /// <summary>The options of a verb that connects: <see cref="AddTableOptions"/> and the connection.</summary>
    public void AddConnectionOptions(Command command)
    {
        AddTableOptions(command);
        foreach (var option in new Option[] { Dsn, User, Password })
        {
            command.Options.Add(option);
        }
    }

    private static TimeSpan? ParseDuration(ArgumentResult result)
    {
        var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : "";
        if (Duration.TryParse(text, out var duration) && duration > TimeSpan.Zero)
        {
            return duration;
        }

        result.AddError($"'{text}' is not a positive duration; give it as {Duration.Examples}.");
        return null;
    }
}
