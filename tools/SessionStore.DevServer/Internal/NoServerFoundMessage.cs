namespace SessionStore.DevServer.Internal;

/// <summary>
/// The message for when no server could be found or started: why each way was skipped, and how to get one.
/// </summary>
internal static class NoServerFoundMessage
{
    public static string Build(
        MySqlDevServerOptions options,
        string environmentVariableReason,
        string testcontainersReason,
        string localProcessReason)
    {
        var docker = options.UseTestcontainers
            ? $"Start a Docker engine (Docker Desktop, or 'sudo systemctl start docker'), so Testcontainers can run {options.TestcontainersImage}."
            : $"Set {nameof(MySqlDevServerOptions.UseTestcontainers)} to true and start a Docker engine, so Testcontainers can run {options.TestcontainersImage}.";
        var what = options.Family switch
        {
            MySqlServerFamily.MariaDb => "MariaDB server",
            MySqlServerFamily.MySql => "Oracle MySQL server",
            _ => "MySQL-compatible server",
        };
        return $"""
            No {what} is available. Tried, in order:
              1. Environment variable {options.EnvironmentVariable}: {environmentVariableReason}.
              2. Testcontainers: {testcontainersReason}.
              3. Local server process: {localProcessReason}.
            Any one of these fixes it:
              - Set the environment variable {options.EnvironmentVariable} to a MySqlConnector connection string for a server you run, for example {options.EnvironmentVariable}="Server=127.0.0.1;Port=3306;User ID=root;Password=...". The user needs to create the database '{options.Database}', or it must exist.
              - {docker}
              - {InstallHint(options.Family)}
            """;
    }

    /// <summary>How to get a local server binary of the family asked for.</summary>
    public static string InstallHint(MySqlServerFamily? family)
    {
        const string MariaDb = "'sudo apt-get install mariadb-server' on Debian/Ubuntu (the service need not run; a throwaway server is started from /usr/sbin/mariadbd)";
        const string MySql = "run tools/oracle-mysql/provision.sh from this repository (Oracle MySQL from Debian's newest suite, unpacked into ~/.cache/sessionstore without touching the system), or install MySQL so that mysqld is on PATH";
        return family switch
        {
            MySqlServerFamily.MariaDb => $"Install a MariaDB server binary: {MariaDb}.",
            MySqlServerFamily.MySql => $"Get an Oracle MySQL server binary: {MySql}.",
            _ => $"Install a server binary: {MariaDb}; or for Oracle MySQL, {MySql}.",
        };
    }
}
