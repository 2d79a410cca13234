namespace SessionStore.DevServer;

/// <summary>
/// Controls how <see cref="MySqlDevServer.StartAsync(MySqlDevServerOptions?, CancellationToken)"/> finds a server.
/// </summary>
public sealed class MySqlDevServerOptions
{
    private string? _environmentVariable;
    private string? _testcontainersImage;

    /// <summary>
    /// Gets or sets the server family asked for, or <see langword="null"/> for whichever is found first. A server from
    /// the environment variable must be of this family; Testcontainers runs this family's image; only a local binary of
    /// this family is started. Default: <see langword="null"/>.
    /// </summary>
    public MySqlServerFamily? Family { get; set; }

    /// <summary>
    /// Gets or sets the name of the environment variable that may hold a MySqlConnector connection string.
    /// When that variable is set and not blank, its server is used and nothing is started.
    /// Default: <c>SESSIONSTORE_MARIADB</c> when <see cref="Family"/> is <see cref="MySqlServerFamily.MariaDb"/>,
    /// else <c>SESSIONSTORE_MYSQL</c>.
    /// </summary>
    public string EnvironmentVariable
    {
        get => _environmentVariable ?? (Family == MySqlServerFamily.MariaDb ? "SESSIONSTORE_MARIADB" : "SESSIONSTORE_MYSQL");
        set => _environmentVariable = value;
    }

    /// <summary>
    /// Gets or sets the database that <see cref="MySqlDevServer.ConnectionString"/> points at; it is created when missing.
    /// A connection string from the environment variable that names a database keeps that database instead.
    /// Default: <c>sessionstore</c>.
    /// </summary>
    public string Database { get; set; } = "sessionstore";

    /// <summary>
    /// Gets or sets a value indicating whether a MySQL container may be started through Testcontainers
    /// when a Docker engine answers. Default: <see langword="true"/>.
    /// </summary>
    public bool UseTestcontainers { get; set; } = true;

    /// <summary>
    /// Gets or sets the image Testcontainers runs. Default: <c>mariadb:10.11</c> when <see cref="Family"/> is
    /// <see cref="MySqlServerFamily.MariaDb"/>, else <c>mysql:8.4</c>.
    /// </summary>
    public string TestcontainersImage
    {
        get => _testcontainersImage ?? (Family == MySqlServerFamily.MariaDb ? "mariadb:10.11" : "mysql:8.4");
        set => _testcontainersImage = value;
    }

    /// <summary>
    /// Gets or sets how long a local server process may take to initialise its data directory and accept
    /// connections. A container's start (image pull included) is bounded by Testcontainers' own wait strategy
    /// and the cancellation token instead, since a first pull can legitimately take minutes. Default: 60 seconds.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Gets or sets a callback that receives one line per discovery step, or <see langword="null"/> for silence.
    /// Lines never contain a password. Default: <see langword="null"/>.
    /// </summary>
    public Action<string>? Log { get; set; }

    /// <summary>
    /// Gets or sets the directories searched for <c>mariadbd</c> and <c>mysqld</c> instead of <c>PATH</c> and the
    /// usual install locations; <see langword="null"/> (the default) searches those. A seam for tests.
    /// </summary>
    internal IReadOnlyList<string>? ServerSearchDirectories { get; set; }
}
