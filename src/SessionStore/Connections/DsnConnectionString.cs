using System.Globalization;
using MySqlConnector;

namespace SessionStore.Connections;

/// <summary>
/// Turns a <c>Dsn</c> option (a MySqlConnector connection string or a Perl DBI data source name) and the
/// optional user and password into a MySqlConnector connection string.
/// </summary>
internal static class DsnConnectionString
{
    /// <summary>Builds the connection string; throws <see cref="FormatException"/> naming the part that cannot be used.</summary>
    public static string Build(string dsn, string? user, string? password)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dsn);
        MySqlConnectionStringBuilder builder;
        if (IsPerlDbi(dsn))
        {
            builder = TranslatePerlDbi(dsn);
        }
        else
        {
            try
            {
                builder = new MySqlConnectionStringBuilder(dsn);
            }
            catch (ArgumentException ex)
            {
                // MySqlConnector's message names the keyword; the DSN itself may hold a password, so it is not repeated.
                throw new FormatException($"The DSN is not a valid MySqlConnector connection string: {ex.Message}", ex);
            }
        }

        if (!string.IsNullOrEmpty(user))
        {
            builder.UserID = user;
        }

        if (password is not null)
        {
            builder.Password = password;
        }

        return builder.ConnectionString;
    }

    internal static bool IsPerlDbi(string dsn) => dsn.TrimStart().StartsWith("dbi:", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Translates <c>DBI:mysql:database=testing;host=127.0.0.1;port=3306</c>, the short forms <c>DBI:mysql:testing</c> and
    /// <c>DBI:mysql:testing@host:3306</c>, and the DBD::MariaDB driver name, following the DBD::mysql documentation of
    /// <c>connect</c>. Attributes that have no MySqlConnector equivalent are rejected rather than silently ignored.
    /// </summary>
    private static MySqlConnectionStringBuilder TranslatePerlDbi(string dsn)
    {
        var parts = dsn.Trim().Split(':', 3);
        if (parts.Length < 3)
        {
            throw new FormatException("The Perl DBI DSN must have the form 'DBI:mysql:database=NAME;host=HOST;port=PORT'.");
        }

        var driver = parts[1];
        if (!driver.Equals("mysql", StringComparison.OrdinalIgnoreCase) && !driver.Equals("MariaDB", StringComparison.OrdinalIgnoreCase))
        {
            throw new FormatException($"The Perl DBI DSN names the driver '{driver}'; only 'mysql' and 'MariaDB' can be translated.");
        }

        var builder = new MySqlConnectionStringBuilder();
        var rest = parts[2].Trim();
        if (rest.Length == 0)
        {
            return builder;
        }

        if (!rest.Contains('=', StringComparison.Ordinal))
        {
            // DBI:mysql:database[@host[:port]]
            var at = rest.IndexOf('@', StringComparison.Ordinal);
            builder.Database = at < 0 ? rest : rest[..at];
            if (at >= 0)
            {
                var hostPort = rest[(at + 1)..];
                var colon = hostPort.LastIndexOf(':');
                builder.Server = colon < 0 ? hostPort : hostPort[..colon];
                if (colon >= 0)
                {
                    builder.Port = ParsePort(hostPort[(colon + 1)..]);
                }
            }

            return builder;
        }

        foreach (var pair in rest.Split([';', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var equals = pair.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new FormatException($"The Perl DBI DSN attribute '{pair}' is not of the form name=value.");
            }

            var name = pair[..equals].Trim();
            var value = pair[(equals + 1)..].Trim();
            switch (name.ToLowerInvariant())
            {
                case "database" or "db" or "dbname":
                    builder.Database = value;
                    break;
                case "host" or "hostname":
                    builder.Server = value;
                    break;
                case "port":
                    builder.Port = ParsePort(value);
                    break;
                case "mysql_socket" or "mariadb_socket":
                    builder.Server = value;
                    builder.ConnectionProtocol = MySqlConnectionProtocol.UnixSocket;
                    break;
                case "mysql_ssl" or "mariadb_ssl":
                    builder.SslMode = value == "1" ? MySqlSslMode.Required : MySqlSslMode.Preferred;
                    break;
                case "mysql_connect_timeout" or "mariadb_connect_timeout":
                    builder.ConnectionTimeout = checked((uint)ParseNonNegative(name, value));
                    break;
                case "mysql_compression" or "mariadb_compression":
                    builder.UseCompression = value is "1" or "zlib";
                    break;
                default:
                    throw new FormatException(
                        $"The Perl DBI DSN attribute '{name}' has no MySqlConnector equivalent; use a MySqlConnector connection string instead.");
            }
        }

        return builder;
    }

    private static uint ParsePort(string value) =>
        uint.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535
            ? port
            : throw new FormatException($"The Perl DBI DSN port '{value}' is not a number from 1 to 65535.");

    private static int ParseNonNegative(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"The Perl DBI DSN attribute '{name}' must be a whole number, not '{value}'.");
}
