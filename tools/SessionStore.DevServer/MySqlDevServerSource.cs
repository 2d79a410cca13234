namespace SessionStore.DevServer;

/// <summary>
/// Where the server behind a <see cref="MySqlDevServer"/> came from.
/// </summary>
public enum MySqlDevServerSource
{
    /// <summary>
    /// A connection string read from the environment variable named by
    /// <see cref="MySqlDevServerOptions.EnvironmentVariable"/>. The server is not ours: disposing leaves it running.
    /// </summary>
    EnvironmentVariable,

    /// <summary>
    /// A MySQL container started through Testcontainers; disposing removes it.
    /// </summary>
    Testcontainers,

    /// <summary>
    /// A throwaway <c>mariadbd</c> or <c>mysqld</c> process with its own temporary data directory;
    /// disposing kills it and deletes the directory.
    /// </summary>
    LocalProcess,
}
