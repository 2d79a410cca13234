using System.Data.Common;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using SessionStore.Connections;
using SessionStore.Sql;

namespace SessionStore.Configuration;

/// <summary>
/// The rules for the ways to connect and the table they lead to, owned once for the cache's and the key ring's validators (and
/// through the cache's, the command-line tool): exactly one source, a DSN that can be translated, a user and password only with
/// a DSN, a service key that DI knows, and a table the DSN's database can resolve. Each message names the property and the bad
/// value, except values that may hold secrets (the DSN, the password), which are never repeated.
/// </summary>
internal static class ConnectionOptionsValidation
{
    /// <summary>Both options classes call their table property this.</summary>
    private const string TableProperty = nameof(DbiSessionCacheOptions.Table);

    /// <summary>
    /// Adds a message to <paramref name="failures"/> for each problem of <paramref name="settings"/> and <paramref name="table"/>.
    /// <paramref name="isService"/>, when known, tells whether DI holds the data source the settings may fall back on.
    /// </summary>
    public static void Validate(ConnectionSettings settings, string table, IServiceProviderIsService? isService, ICollection<string> failures)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(failures);
        var hasDsn = !string.IsNullOrWhiteSpace(settings.Dsn);
        var sources = new List<string>();
        if (hasDsn)
        {
            sources.Add(nameof(settings.Dsn));
        }

        if (settings.DataSource is not null)
        {
            sources.Add(nameof(settings.DataSource));
        }

        if (settings.DataSourceServiceKey is not null)
        {
            sources.Add(nameof(settings.DataSourceServiceKey));
        }

        if (settings.ConnectionFactory is not null)
        {
            sources.Add(nameof(settings.ConnectionFactory));
        }

        // A blank Dsn is one the user meant to set: that is the problem to report, not a missing connection.
        var blankDsn = settings.Dsn is not null && !hasDsn;
        if (sources.Count > 1)
        {
            failures.Add($"Set only one way to connect; {string.Join(", ", sources)} are all set.");
        }
        else if (sources.Count == 0 && !blankDsn && isService?.IsService(typeof(DbDataSource)) != true)
        {
            failures.Add(
                $"No connection is configured for {settings.Purpose}: set " +
                $"{settings.SourceChoices(" (a MySqlConnector connection string or a 'DBI:mysql:database=NAME;host=HOST' DSN)")}, " +
                "or register a DbDataSource in DI.");
        }

        if (blankDsn)
        {
            failures.Add($"{nameof(settings.Dsn)} is empty; give a connection string or leave it unset.");
        }

        string? databaseInDsn = null;
        if (hasDsn)
        {
            try
            {
                databaseInDsn = new MySqlConnectionStringBuilder(DsnConnectionString.Build(settings.Dsn!, settings.User, settings.Password)).Database;
            }
            catch (FormatException ex)
            {
                failures.Add($"{nameof(settings.Dsn)} cannot be used: {ex.Message}");
            }
        }
        else if (settings.User is not null || settings.Password is not null)
        {
            failures.Add($"{nameof(settings.User)} and {nameof(settings.Password)} apply only with {nameof(settings.Dsn)}; " +
                $"set them on the data source{(settings.OffersServiceKeyAndFactory ? " or connection" : "")} instead.");
        }

        if (settings.DataSourceServiceKey is { } key)
        {
            if (string.IsNullOrWhiteSpace(key))
            {
                failures.Add($"{nameof(settings.DataSourceServiceKey)} is empty.");
            }
            else if (isService is IServiceProviderIsKeyedService keyed && !keyed.IsKeyedService(typeof(DbDataSource), key))
            {
                failures.Add($"{nameof(settings.DataSourceServiceKey)} is '{key}', but no DbDataSource is registered in DI with that key " +
                    "(services.AddKeyedSingleton<DbDataSource>(\"" + key + "\", …) or AddMySqlDataSource with a service key).");
            }
        }

        if (TableName.Validate(table) is { } tableError)
        {
            failures.Add($"{TableProperty} {tableError}.");
        }
        else if (databaseInDsn is "" && !table.Contains('.', StringComparison.Ordinal))
        {
            failures.Add($"{nameof(settings.Dsn)} names no database, and {TableProperty} '{table}' is not qualified: " +
                $"add Database=NAME to the DSN or set {TableProperty} to 'NAME.{table}'.");
        }
    }
}
