namespace SessionStore.Benchmarks;

internal static class SqlText
{
    /// <summary>Backtick-quotes an identifier the benchmark made up itself (never user input).</summary>
    public static string QuoteIdentifier(string name) => "`" + name.Replace("`", "``", StringComparison.Ordinal) + "`";

    /// <summary>Now in UTC, truncated to the microseconds a <c>DATETIME(6)</c> keeps.</summary>
    public static DateTime UtcNowMicroseconds()
    {
        var now = DateTime.UtcNow;
        return new DateTime(now.Ticks - (now.Ticks % 10), DateTimeKind.Utc);
    }

    /// <summary>Whether the server takes the row alias in an upsert (MySQL 8.0.19+); MariaDB and older MySQL take VALUES().</summary>
    public static bool SupportsRowAlias(string serverVersion)
    {
        if (serverVersion.Contains("MariaDB", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        var numeric = serverVersion.Split('-', 2)[0];
        return Version.TryParse(numeric, out var version) && version >= new Version(8, 0, 19);
    }
}
