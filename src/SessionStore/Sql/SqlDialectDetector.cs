namespace SessionStore.Sql;

/// <summary>Picks the <see cref="SqlDialect"/> from the version string the server reports on connect.</summary>
internal static class SqlDialectDetector
{
    private static readonly Version s_firstRowAliasVersion = new(8, 0, 19);

    /// <summary>
    /// Reads strings such as <c>10.11.19-MariaDB-0+deb12u1</c>, <c>5.5.5-10.6.12-MariaDB</c> (the old replication prefix)
    /// or <c>8.4.3</c>.
    /// </summary>
    public static SqlDialect FromServerVersion(string serverVersion)
    {
        ArgumentNullException.ThrowIfNull(serverVersion);
        if (serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
        {
            return SqlDialect.MariaDb;
        }

        var numeric = serverVersion.Split('-', 2)[0];
        return Version.TryParse(numeric, out var version) && version < s_firstRowAliasVersion
            ? SqlDialect.MySqlBeforeRowAlias
            : SqlDialect.MySql;
    }
}
