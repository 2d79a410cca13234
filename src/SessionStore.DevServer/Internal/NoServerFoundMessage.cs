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
        return $"""
            No MySQL-compatible server is available. Tried, in order:
              1. Environment variable {options.EnvironmentVariable}: {environmentVariableReason}.
              2. Testcontainers: {testcontainersReason}.
              3. Local server process: {localProcessReason}.
            Any one of these fixes it:
              - Set the environment variable {options.EnvironmentVariable} to a MySqlConnector connection string for a server you run, for example {options.EnvironmentVariable}="Server=127.0.0.1;Port=3306;User ID=root;Password=...". The user needs to create the database '{options.Database}', or it must exist.
              - {docker}
              - Install a server binary: 'sudo apt-get install mariadb-server' on Debian/Ubuntu (the service need not run; a throwaway server is started from /usr/sbin/mariadbd), or install MySQL so that mysqld is on PATH.
            """;
    }
}
