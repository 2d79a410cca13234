namespace SessionStore.DevServer;

/// <summary>
/// The two families of MySQL-compatible servers, which differ in upsert syntax, system variables, authentication
/// plugins and clustering (group replication against Galera), so tests run against each.
/// </summary>
public enum MySqlServerFamily
{
    /// <summary>MariaDB (<c>mariadbd</c>; its <c>VERSION()</c> contains <c>MariaDB</c>).</summary>
    MariaDb,

    /// <summary>Oracle MySQL (<c>mysqld</c>).</summary>
    MySql,
}
