using System.CommandLine;
using Microsoft.Extensions.Configuration;
using SessionStore.Cli.Commands;
using SessionStore.Configuration;
using SessionStore.Connections;
using SessionStore.Sql;

namespace SessionStore.Cli.Settings;

/// <summary>
/// Reads <see cref="DbiSessionCacheOptions"/> the way an app configures the library — a JSON settings file, then environment
/// variables (<c>SessionStore__Dsn</c>), then the command line — and checks them with the library's own validator, so that
/// the tool accepts exactly the settings the app accepts.
/// </summary>
internal static class ToolSettingsReader
{
    public static ToolSettings Read(ParseResult parseResult, CommonOptions options, bool connects)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(options);
        var section = parseResult.GetValue(options.Section) ?? "SessionStore";
        var cacheOptions = Bind(parseResult, options, section);
        Override(parseResult, options, cacheOptions);

        if (connects && string.IsNullOrWhiteSpace(cacheOptions.Dsn))
        {
            throw new CommandException(ExitCodes.Error,
                $"No connection is configured: give --dsn, set Dsn in the '{section}' section of the --settings file, or set the " +
                $"environment variable {section}__Dsn.");
        }

        var failures = connects ? Validate(cacheOptions) : ValidateNames(cacheOptions);
        if (failures.Count > 0)
        {
            throw new CommandException(ExitCodes.Error,
                $"The settings are not valid:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", failures)}");
        }

        ConnectionSource? connections = null;
        if (connects)
        {
            // The library's connection layer, as the app's cache would connect, but keeping MySqlConnector's connection reset:
            // the tool's statements are not all free of session state, and it runs too few to notice the round trip.
            var settings = ConnectionSettings.ForCache(cacheOptions) with { Consumer = "sessionstore", SkipsConnectionReset = false };
            try
            {
                connections = ConnectionSource.ForDsn(settings);
            }
            catch (FormatException ex)
            {
                throw new CommandException(ExitCodes.Error, $"Dsn cannot be used: {ex.Message}");
            }
        }

        return new ToolSettings(
            connections,
            TableName.Parse(cacheOptions.Table),
            ColumnNames.From(cacheOptions),
            cacheOptions.KeyStorage,
            cacheOptions.DefaultSlidingExpiration);
    }

    private static DbiSessionCacheOptions Bind(ParseResult parseResult, CommonOptions options, string section)
    {
        var builder = new ConfigurationBuilder();
        var file = parseResult.GetValue(options.Settings);
        if (file is not null)
        {
            if (!file.Exists)
            {
                throw new CommandException(ExitCodes.Error, $"The settings file '{file.FullName}' does not exist.");
            }

            builder.AddJsonFile(file.FullName, optional: false, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables();
        var cacheOptions = new DbiSessionCacheOptions();
        try
        {
            builder.Build().GetSection(section).Bind(cacheOptions);
        }
        catch (InvalidDataException ex)
        {
            // The JSON provider's message names the file and the line, never a value.
            throw new CommandException(ExitCodes.Error, $"The settings file cannot be read: {ex.GetBaseException().Message}");
        }
        catch (InvalidOperationException ex)
        {
            throw new CommandException(ExitCodes.Error, $"The '{section}' settings cannot be read: {ex.Message}");
        }

        return cacheOptions;
    }

    private static void Override(ParseResult parseResult, CommonOptions options, DbiSessionCacheOptions cacheOptions)
    {
        cacheOptions.Dsn = parseResult.GetValue(options.Dsn) ?? cacheOptions.Dsn;
        cacheOptions.User = parseResult.GetValue(options.User) ?? cacheOptions.User;
        cacheOptions.Password = parseResult.GetValue(options.Password) ?? cacheOptions.Password;
        cacheOptions.Table = parseResult.GetValue(options.Table) ?? cacheOptions.Table;
        cacheOptions.IdColumn = parseResult.GetValue(options.IdColumn) ?? cacheOptions.IdColumn;
        cacheOptions.DataColumn = parseResult.GetValue(options.DataColumn) ?? cacheOptions.DataColumn;
        cacheOptions.LastActiveColumn = parseResult.GetValue(options.LastActiveColumn) ?? cacheOptions.LastActiveColumn;
        cacheOptions.DefaultSlidingExpiration = parseResult.GetValue(options.SlidingWindow) ?? cacheOptions.DefaultSlidingExpiration;
    }

    private static List<string> Validate(DbiSessionCacheOptions cacheOptions) =>
        new DbiSessionCacheOptionsValidator().Validate(null, cacheOptions).Failures?.ToList() ?? [];

    /// <summary>For a verb that does not connect: only the names matter, and no connection setting is required.</summary>
    private static List<string> ValidateNames(DbiSessionCacheOptions cacheOptions)
    {
        var failures = new List<string>();
        if (TableName.Validate(cacheOptions.Table) is { } tableError)
        {
            failures.Add($"{nameof(cacheOptions.Table)} {tableError}.");
        }

        foreach (var (property, value) in new[]
                 {
                     (nameof(cacheOptions.IdColumn), cacheOptions.IdColumn),
                     (nameof(cacheOptions.DataColumn), cacheOptions.DataColumn),
                     (nameof(cacheOptions.LastActiveColumn), cacheOptions.LastActiveColumn),
                 })
        {
            if (!SqlIdentifier.IsValid(value))
            {
                failures.Add($"{property} '{value}' is not a column name: 1 to {SqlIdentifier.MaxLength} ASCII letters, digits, '_' or '$'.");
            }
        }

        return failures;
    }
}
