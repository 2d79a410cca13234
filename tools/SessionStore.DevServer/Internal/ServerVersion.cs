namespace SessionStore.DevServer.Internal;

/// <summary>
/// A server's family and version number, read from <c>VERSION()</c>.
/// </summary>
/// <param name="Family">MariaDB when the text says so, else MySQL.</param>
/// <param name="Number">The text before the first dash, such as <c>10.11.19</c> or <c>9.7.4</c>.</param>
internal sealed record ServerVersion(MySqlServerFamily Family, string Number)
{
    /// <summary>Reads <c>10.11.19-MariaDB-0+deb12u1</c> as MariaDB 10.11.19 and <c>9.7.4-2</c> as MySQL 9.7.4.</summary>
    public static ServerVersion Parse(string version)
    {
        var family = version.Contains("MariaDB", StringComparison.OrdinalIgnoreCase) ? MySqlServerFamily.MariaDb : MySqlServerFamily.MySql;
        var dash = version.IndexOf('-', StringComparison.Ordinal);
        return new ServerVersion(family, dash > 0 ? version[..dash] : version);
    }

    /// <summary>For example <c>MariaDB 10.11.19</c> or <c>MySQL 9.7.4</c>.</summary>
    public override string ToString() => $"{(Family == MySqlServerFamily.MariaDb ? "MariaDB" : "MySQL")} {Number}";
}
