using System.Diagnostics;
using SessionStore.DevServer.Etcd;

namespace SessionStore.DevServer;

/// <summary>
/// An etcd for tests and local development, found or started on demand: the endpoints named by an environment variable,
/// else a throwaway single-member <c>etcd</c> process on loopback with a temporary data directory.
/// </summary>
/// <example>
/// <code>
/// await using var etcd = await EtcdDevServer.StartAsync();
/// services.AddEtcdSessionCache(o => o.Endpoints = [.. etcd.Endpoints]);
/// </code>
/// </example>
public sealed class EtcdDevServer : IAsyncDisposable
{
    private readonly EtcdServerProcess? _ownedServer;
    private int _disposed;

    private EtcdDevServer(IReadOnlyList<string> endpoints, EtcdDevServerSource source, string description, EtcdServerProcess? ownedServer)
    {
        Endpoints = endpoints;
        Source = source;
        Description = description;
        _ownedServer = ownedServer;
    }

    /// <summary>
    /// Gets the client endpoints, such as <c>http://127.0.0.1:34567</c>: one for a server started here, those of the
    /// environment variable otherwise.
    /// </summary>
    public IReadOnlyList<string> Endpoints { get; }

    /// <summary>
    /// Gets where the server came from.
    /// </summary>
    public EtcdDevServerSource Source { get; }

    /// <summary>
    /// Gets a one-line description for logs, such as
    /// <c>etcd 3.4.23 (local process /usr/bin/etcd, http://127.0.0.1:34567, data dir /tmp/...)</c>.
    /// </summary>
    public string Description { get; }

    /// <summary>Gets the etcd process when <see cref="Source"/> is <see cref="EtcdDevServerSource.LocalProcess"/>.</summary>
    internal EtcdServerProcess? LocalProcess => _ownedServer;

    /// <summary>
    /// Finds or starts an etcd, trying in order: the environment variable named by
    /// <see cref="EtcdDevServerOptions.EnvironmentVariable"/>; a local <c>etcd</c> binary
    /// (<see cref="EtcdDevServerOptions.EtcdPath"/>, else <c>PATH</c>, <c>/usr/bin</c>, <c>/usr/local/bin</c>).
    /// </summary>
    /// <param name="options">How to search; <see langword="null"/> for the defaults.</param>
    /// <param name="cancellationToken">Cancels the search and start; anything already started is cleaned up.</param>
    /// <returns>The server; dispose it to stop what was started.</returns>
    /// <exception cref="ArgumentException">The options are invalid.</exception>
    /// <exception cref="InvalidOperationException">There is no etcd to use (the message says how to get one), the
    /// environment variable's endpoints do not answer, or the local process failed (the message holds its last log lines).</exception>
    /// <exception cref="TimeoutException">The local process did not become healthy within <see cref="EtcdDevServerOptions.StartTimeout"/>.</exception>
    public static async Task<EtcdDevServer> StartAsync(EtcdDevServerOptions? options = null, CancellationToken cancellationToken = default)
    {
        options ??= new EtcdDevServerOptions();
        ThrowIfInvalid(options);
        var log = options.Log ?? (static _ => { });

        var configured = Environment.GetEnvironmentVariable(options.EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(configured))
        {
            log($"Using the etcd in environment variable {options.EnvironmentVariable}.");
            return await UseConfiguredServerAsync(options.EnvironmentVariable, configured, cancellationToken).ConfigureAwait(false);
        }

        var environmentVariableReason = configured is null ? "not set" : "set but blank";
        log($"Environment variable {options.EnvironmentVariable} is {environmentVariableReason}.");
        var (binary, reason) = EtcdBinaryLocator.Find(options.EtcdPath);
        if (binary is null)
        {
            log($"No local etcd binary: {reason}.");
            throw new InvalidOperationException(NoEtcdFoundMessage(options.EnvironmentVariable, environmentVariableReason, reason));
        }

        var stopwatch = Stopwatch.StartNew();
        log($"Starting a throwaway etcd from {binary}.");
        var server = await EtcdServerProcess.StartAsync(binary, options.StartTimeout, log, cancellationToken).ConfigureAwait(false);
        try
        {
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
            var version = await EtcdHttpProbe.ReadVersionAsync(http, server.Endpoint, cancellationToken).ConfigureAwait(false);
            var description = $"etcd {version} ({server.Location})";
            log($"{description} ready after {stopwatch.Elapsed.TotalSeconds:0.00} s.");
            return new EtcdDevServer([server.Endpoint], EtcdDevServerSource.LocalProcess, description, server);
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Stops the process this instance started and deletes its data; does nothing for a server from the environment variable.
    /// </summary>
    /// <returns>A task that completes when the server is gone.</returns>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0 || _ownedServer is null)
        {
            return;
        }

        await _ownedServer.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>How to get an etcd, after saying why each way was skipped.</summary>
    internal static string NoEtcdFoundMessage(string environmentVariable, string environmentVariableReason, string localProcessReason) => $"""
        No etcd is available. Tried, in order:
          1. Environment variable {environmentVariable}: {environmentVariableReason}.
          2. Local etcd process: {localProcessReason}.
        Either of these fixes it:
          - Set the environment variable {environmentVariable} to the client endpoints of an etcd you run, comma-separated, for example {environmentVariable}=http://127.0.0.1:2379.
          - Install etcd: 'sudo apt-get install etcd-server' on Debian/Ubuntu (the service need not run; a throwaway etcd is started from /usr/bin/etcd), or set {nameof(EtcdDevServerOptions)}.{nameof(EtcdDevServerOptions.EtcdPath)} to an etcd binary.
        """;

    private static void ThrowIfInvalid(EtcdDevServerOptions options)
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(options.EnvironmentVariable))
        {
            problems.Add($"{nameof(EtcdDevServerOptions.EnvironmentVariable)} must name an environment variable, but was '{options.EnvironmentVariable}'.");
        }

        if (options.StartTimeout <= TimeSpan.Zero)
        {
            problems.Add($"{nameof(EtcdDevServerOptions.StartTimeout)} must be positive, but was {options.StartTimeout}.");
        }

        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
    }

    private static async Task<EtcdDevServer> UseConfiguredServerAsync(string variable, string configured, CancellationToken cancellationToken)
    {
        var endpoints = configured
            .Split([',', ';'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(endpoint => endpoint.Contains("://", StringComparison.Ordinal) ? endpoint.TrimEnd('/') : "http://" + endpoint.TrimEnd('/'))
            .ToList();

        // One answering member is enough: the client fails over between the others. An https endpoint may need a CA that
        // only the application knows, so its version is not probed here.
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var failures = new List<string>();
        foreach (var endpoint in endpoints.Where(endpoint => endpoint.StartsWith("http://", StringComparison.OrdinalIgnoreCase)))
        {
            try
            {
                var version = await EtcdHttpProbe.ReadVersionAsync(http, endpoint, cancellationToken).ConfigureAwait(false);
                return new EtcdDevServer(endpoints, EtcdDevServerSource.EnvironmentVariable, $"etcd {version} (environment variable {variable}, {string.Join(", ", endpoints)})", ownedServer: null);
            }
            catch (Exception exception) when (exception is HttpRequestException or System.Text.Json.JsonException
                || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                failures.Add($"{endpoint}: {exception.Message}");
            }
        }

        if (failures.Count > 0)
        {
            throw new InvalidOperationException(
                $"No etcd answered at the endpoints in {variable} ({configured}): {string.Join("; ", failures)}. Start that etcd, or unset {variable} to have a throwaway one started.");
        }

        return new EtcdDevServer(endpoints, EtcdDevServerSource.EnvironmentVariable, $"etcd (environment variable {variable}, {string.Join(", ", endpoints)})", ownedServer: null);
    }
}
