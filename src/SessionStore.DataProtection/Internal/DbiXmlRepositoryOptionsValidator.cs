using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MySqlConnector;
using SessionStore.DataProtection.Sql;

namespace SessionStore.DataProtection.Internal;

/// <summary>
/// Checks <see cref="DbiXmlRepositoryOptions"/> at startup (registered with <c>ValidateOnStart</c>) and reports every problem
/// at once, each naming its property. Values that may hold secrets (the DSN, the password) are never repeated.
/// </summary>
internal sealed class DbiXmlRepositoryOptionsValidator : IValidateOptions<DbiXmlRepositoryOptions>
{
    private readonly IServiceProviderIsService? _isService;

    public DbiXmlRepositoryOptionsValidator(IServiceProviderIsService? isService = null)
    {
        _isService = isService;
    }

    public ValidateOptionsResult Validate(string? name, DbiXmlRepositoryOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var failures = new List<string>();
        var hasDsn = !string.IsNullOrWhiteSpace(options.Dsn);

        if (hasDsn && options.DataSource is not null)
        {
            failures.Add($"Set only one way to connect; {nameof(options.Dsn)} and {nameof(options.DataSource)} are both set.");
        }
        else if (options.Dsn is not null && !hasDsn)
        {
            failures.Add($"{nameof(options.Dsn)} is empty; give a connection string or leave it unset.");
        }
        else if (!hasDsn && options.DataSource is null && _isService?.IsService(typeof(DbDataSource)) != true)
        {
            failures.Add(
                $"No connection is configured for the key ring: set {nameof(options.Dsn)} (a MySqlConnector connection string or a " +
                $"'DBI:mysql:database=NAME;host=HOST' DSN) or {nameof(options.DataSource)}, or register a DbDataSource in DI.");
        }

        string? databaseInDsn = null;
        if (hasDsn)
        {
            try
            {
                databaseInDsn = new MySqlConnectionStringBuilder(
                    DsnConnectionString.Build(options.Dsn!, options.User, options.Password)).Database;
            }
            catch (FormatException ex)
            {
                failures.Add($"{nameof(options.Dsn)} cannot be used: {ex.Message}");
            }
        }
        else if (options.User is not null || options.Password is not null)
        {
            failures.Add($"{nameof(options.User)} and {nameof(options.Password)} apply only with {nameof(options.Dsn)}; " +
                "set them on the data source instead.");
        }

        var tableError = TableName.Validate(options.Table);
        if (tableError is not null)
        {
            failures.Add($"{nameof(options.Table)} {tableError}.");
        }
        else if (databaseInDsn is "" && !options.Table.Contains('.', StringComparison.Ordinal))
        {
            failures.Add($"{nameof(options.Dsn)} names no database, and {nameof(options.Table)} '{options.Table}' is not qualified: " +
                $"add Database=NAME to the DSN or set {nameof(options.Table)} to 'NAME.{options.Table}'.");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
