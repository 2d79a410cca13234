using System.Diagnostics;
using DotNet.Testcontainers.Builders;
using MySqlConnector;
using SessionStore.DevServer.Docker;
using SessionStore.DevServer.Internal;
using SessionStore.DevServer.LocalProcess;

namespace SessionStore.DevServer;

/// <summary>
/// A MySQL-compatible server for tests and local development, found or started on demand: the server named by an
/// environment variable, else a Testcontainers MySQL container when Testcontainers finds a Docker engine, else a throwaway
/// <c>mariadbd</c>/<c>mysqld</c> process with a temporary data directory.
/// </summary>
/// <example>
/// <code>
/// await using var server = await MySqlDevServer.StartAsync();
/// await using var connection = new MySqlConnection(server.ConnectionString);
/// </code>
/// </example>
public sealed class MySqlDevServer : IAsyncDisposable
{
    private readonly IAsyncDisposable? _ownedServer;
    private int _disposed;

    private MySqlDevServer(string connectionString, MySqlDevServerSource source, ServerVersion version, string location, IAsyncDisposable? ownedServer)
    {
        ConnectionString = connectionString;
        Source = source;
        Family = version.Family;
        Description = $"{version} ({location})";
        _ownedServer = ownedServer;
    }

    /// <summary>
    /// Gets a MySqlConnector connection string whose user may create databases, tables and users (root for a
    /// server started here), with <c>Database</c> set to a database that exists. Pooling and other options are
    /// left at their defaults (or as the environment variable had them) for the caller to add.
    /// </summary>
    public string ConnectionString { get; }

    /// <summary>
    /// Gets where the server came from.
    /// </summary>
    public MySqlDevServerSource Source { get; }

    /// <summary>
    /// Gets the family of the server, as its <c>VERSION()</c> says.
    /// </summary>
    public MySqlServerFamily Family { get; }

    /// <summary>
    /// Gets a one-line description for logs, such as
    /// <c>MariaDB 10.11.19 (local process /usr/sbin/mariadbd, 127.0.0.1:34567, datadir /tmp/...)</c>.
    /// It never contains a password.
    /// </summary>
    public string Description { get; }

    /// <summary>
    /// Gets the server process when <see cref="Source"/> is <see cref="MySqlDevServerSource.LocalProcess"/>.
    /// </summary>
    internal LocalServerProcess? LocalProcess => _ownedServer as LocalServerProcess;

    /// <summary>
    /// Finds or starts a server, trying in order: the environment variable named by
    /// <see cref="MySqlDevServerOptions.EnvironmentVariable"/>; a Testcontainers container when
    /// <see cref="MySqlDevServerOptions.UseTestcontainers"/> is set and Testcontainers' own discovery finds a Docker engine
    /// within a few seconds; a local <c>mariadbd</c> or <c>mysqld</c> binary. The database named by <see cref="MySqlDevServerOptions.Database"/>
    /// is created when missing.
    /// </summary>
    /// <param name="options">How to search; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the search and start; anything already started is cleaned up.</param>
    /// <returns>The server; dispose it to stop what was started.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">No way produced a server (the message says how to get one), or a
    /// local server process failed to start (the message holds the tail of its error log).</exception>
    /// <exception cref="TimeoutException">A local server process did not accept connections within
    /// <see cref="MySqlDevServerOptions.StartTimeout"/>.</exception>
    /// <exception cref="MySqlException">The server from the environment variable could not be reached, or its user
    /// may not create the missing database.</exception>
    public static async Task<MySqlDevServer> StartAsync(MySqlDevServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new MySqlDevServerOptions();
        MySqlDevServerOptionsValidation.ThrowIfInvalid(options);
        var log = options.Log ?? (static _ => { });

        var configured = Environment.GetEnvironmentVariable(options.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            log($"Using the server in environment variable {options.EnvironmentVariable}.");
            return await UseConfiguredServerAsync(options, configured, cancellationToken).ConfigureAwait(false);
        }

        var environmentVariableReason = configured is null ? "not set" : "set but blank";
        log($"Environment variable {options.EnvironmentVariable} is {environmentVariableReason}.");

        string testcontainersReason;
        if (options.UseTestcontainers)
        {
            var docker = await TestcontainersDocker.DiscoverAsync(cancellationToken).ConfigureAwait(false);
            if (docker.Found)
            {
                log($"Testcontainers found a Docker engine at {docker.Detail}; starting {options.TestcontainersImage}.");
                try
                {
                    return await StartContainerAsync(options, log, cancellationToken).ConfigureAwait(false);
                }
                catch (DockerUnavailableException exception)
                {
                    testcontainersReason = $"Testcontainers could not use the Docker engine at {docker.Detail}: {exception.Message}";
                }
                catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    // An engine that answers but cannot run the image (offline pull, no disk) should not stop a
                    // developer who has a local server binary; the reason is logged and kept for the final message.
                    testcontainersReason = $"starting {options.TestcontainersImage} on the Docker engine at {docker.Detail} failed: {exception.GetType().Name}: {exception.Message}";
                }
            }
            else
            {
                testcontainersReason = docker.Detail;
            }
        }
        else
        {
            testcontainersReason = $"disabled ({nameof(MySqlDevServerOptions.UseTestcontainers)} is false)";
        }

        log($"Not using Testcontainers: {testcontainersReason}.");

        var (binary, localProcessReason) = await ServerBinaryLocator.FindAsync(options.ServerSearchDirectories, options.Family, cancellationToken).ConfigureAwait(false);
        if (binary is not null)
        {
            return await StartLocalProcessAsync(options, binary, log, cancellationToken).ConfigureAwait(false);
        }

        log($"No local server binary: {localProcessReason}.");
        throw new InvalidOperationException(
            NoServerFoundMessage.Build(options, environmentVariableReason, testcontainersReason, localProcessReason!));
    }

    /// <summary>
    /// Starts a throwaway local <c>mariadbd</c>/<c>mysqld</c> process of its own, ignoring the environment variable and
    /// Docker: for fault tests that kill and restart their server (<see cref="LocalProcess"/>), which must never be one
    /// that other tests share.
    /// </summary>
    /// <exception cref="InvalidOperationException">No local server binary was found (the message says how to get one).</exception>
    internal static async Task<MySqlDevServer> StartLocalProcessAsync(MySqlDevServerOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        MySqlDevServerOptionsValidation.ThrowIfInvalid(options);
        var log = options.Log ?? (static _ => { });
        var (binary, reason) = await ServerBinaryLocator.FindAsync(options.ServerSearchDirectories, options.Family, cancellationToken).ConfigureAwait(false);
        if (binary is null)
        {
            throw new InvalidOperationException(
                $"A throwaway local server was asked for, but there is no local server binary: {reason}. {NoServerFoundMessage.InstallHint(options.Family)}");
        }

        return await StartLocalProcessAsync(options, binary, log, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Stops the container or process this instance started and deletes its data; does nothing for a server from
    /// the environment variable.
    /// </summary>
    /// <returns>A task that completes when the server is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _ownedServer is null)
        {
            return;
        }

        // Idle pooled connections to a server about to vanish would only fail on their next use.
        var connection = new MySqlConnection(ConnectionString);
        await using (connection.ConfigureAwait(false))
        {
            await MySqlConnection.ClearPoolAsync(connection).ConfigureAwait(false);
        }

        await _ownedServer.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<MySqlDevServer> UseConfiguredServerAsync(MySqlDevServerOptions options, string configured, CancellationToken cancellationToken)
    {
        var builder = new MySqlConnectionStringBuilder(configured);
        if (string.IsNullOrEmpty(builder.Database))
        {
            builder.Database = options.Database;
        }

        var version = await DatabaseBootstrap.EnsureDatabaseAsync(builder.ConnectionString, builder.Database, cancellationToken).ConfigureAwait(false);
        var location = $"environment variable {options.EnvironmentVariable}, {builder.UserID}@{builder.Server}:{builder.Port}, database {builder.Database}";
        if (options.Family is { } family && version.Family != family)
        {
            throw new InvalidOperationException(
                $"The {family} family was asked for, but the server in {options.EnvironmentVariable} is {version} ({location}). " +
                $"Point {options.EnvironmentVariable} at a {family} server, or unset it to have one found or started.");
        }

        return new MySqlDevServer(builder.ConnectionString, MySqlDevServerSource.EnvironmentVariable, version, location, ownedServer: null);
    }

    private static async Task<MySqlDevServer> StartContainerAsync(MySqlDevServerOptions options, Action<string> log, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var container = await ContainerServer.StartAsync(options.TestcontainersImage, options.Database, cancellationToken).ConfigureAwait(false);
        try
        {
            var builder = new MySqlConnectionStringBuilder(container.ConnectionString) { Database = options.Database };
            var version = await DatabaseBootstrap.EnsureDatabaseAsync(builder.ConnectionString, options.Database, cancellationToken).ConfigureAwait(false);
            if (options.Family is { } family && version.Family != family)
            {
                throw new InvalidOperationException($"The {family} family was asked for, but the image {options.TestcontainersImage} runs {version}.");
            }

            log($"{version} ({container.Location}) ready after {stopwatch.Elapsed.TotalSeconds:0.00} s.");
            return new MySqlDevServer(builder.ConnectionString, MySqlDevServerSource.Testcontainers, version, container.Location, container);
        }
        catch
        {
            await container.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static async Task<MySqlDevServer> StartLocalProcessAsync(
        MySqlDevServerOptions options, ServerBinary binary, Action<string> log, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        var server = await LocalServerProcess.StartAsync(binary, options.StartTimeout, log, cancellationToken).ConfigureAwait(false);
        try
        {
            var builder = new MySqlConnectionStringBuilder(server.ConnectionString) { Database = options.Database };
            var version = await DatabaseBootstrap.EnsureDatabaseAsync(builder.ConnectionString, options.Database, cancellationToken).ConfigureAwait(false);
            log($"{version} ({server.Location}) ready after {stopwatch.Elapsed.TotalSeconds:0.00} s.");
            return new MySqlDevServer(builder.ConnectionString, MySqlDevServerSource.LocalProcess, version, server.Location, server);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
