using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SessionStore.DevServer.Docker;

/// <summary>
/// Decides in at most a couple of seconds whether a Docker engine answers, before Testcontainers is asked to do
/// anything. Looks where the Docker CLI and Testcontainers look: <c>DOCKER_HOST</c>,
/// <c>~/.testcontainers.properties</c>, the current Docker context, then the usual socket paths.
/// </summary>
internal static class DockerEngineProbe
{
    // An engine that is up answers /_ping in milliseconds; two seconds covers a busy one without making a
    // machine with a dead socket wait long.
    internal static readonly TimeSpan PingTimeout = TimeSpan.FromSeconds(2);

    public static async Task<DockerProbeResult> ProbeAsync(CancellationToken cancellationToken)
    {
        var (endpoints, searched) = FindEndpoints();
        if (endpoints.Count == 0)
        {
            return new DockerProbeResult(false, $"no Docker endpoint found ({searched})");
        }

        var failures = new List<string>();
        foreach (var (endpoint, origin) in endpoints)
        {
            var failure = await PingAsync(endpoint, cancellationToken).ConfigureAwait(false);
            if (failure is null)
            {
                return new DockerProbeResult(true, $"{endpoint} (from {origin})");
            }

            failures.Add($"{endpoint} (from {origin}) {failure}");
        }

        return new DockerProbeResult(false, "no Docker engine answered: " + string.Join("; ", failures));
    }

    private static (List<(string Endpoint, string Origin)> Endpoints, string Searched) FindEndpoints()
    {
        var endpoints = new List<(string Endpoint, string Origin)>();

        // As with the Docker CLI, an explicit DOCKER_HOST is the only endpoint considered.
        var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
        if (!string.IsNullOrWhiteSpace(dockerHost))
        {
            endpoints.Add((dockerHost.Trim(), "DOCKER_HOST"));
            return (endpoints, "DOCKER_HOST");
        }

        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (ReadTestcontainersProperty(home) is { } fromProperties)
        {
            endpoints.Add((fromProperties, "~/.testcontainers.properties"));
        }

        if (ReadCurrentContextHost(home) is { } fromContext)
        {
            endpoints.Add((fromContext, "the current Docker context"));
        }

        var sockets = OperatingSystem.IsWindows() ? ["//./pipe/docker_engine"] : UnixSocketPaths(home);
        foreach (var socket in sockets)
        {
            var endpoint = OperatingSystem.IsWindows() ? "npipe:" + socket : "unix://" + socket;
            if (File.Exists(socket) && !endpoints.Exists(e => e.Endpoint == endpoint))
            {
                endpoints.Add((endpoint, "the default socket path"));
            }
        }

        var searched = "DOCKER_HOST is not set, no docker.host in ~/.testcontainers.properties or Docker context, "
            + "and none of " + string.Join(", ", sockets) + " exists";
        return (endpoints, searched);
    }

    /// <summary>
    /// Rootful Docker, rootless Docker, Docker Desktop (macOS and Linux), Colima and Rancher Desktop.
    /// </summary>
    private static List<string> UnixSocketPaths(string home)
    {
        var paths = new List<string> { "/var/run/docker.sock" };
        if (Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR") is { Length: > 0 } runtimeDirectory)
        {
            paths.Add(Path.Combine(runtimeDirectory, "docker.sock"));
        }

        paths.Add(Path.Combine(home, ".docker", "run", "docker.sock"));
        paths.Add(Path.Combine(home, ".docker", "desktop", "docker.sock"));
        paths.Add(Path.Combine(home, ".colima", "default", "docker.sock"));
        paths.Add(Path.Combine(home, ".rd", "docker.sock"));
        return paths;
    }

    /// <summary>
    /// Returns <see langword="null"/> when the endpoint answered, otherwise what went wrong.
    /// </summary>
    private static async Task<string?> PingAsync(string endpoint, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri))
        {
            return "is not a valid URI";
        }

        switch (uri.Scheme)
        {
            case "unix":
                var path = uri.LocalPath;
                return File.Exists(path)
                    ? await PingOverHttpAsync(new Uri("http://docker/"), path, cancellationToken).ConfigureAwait(false)
                    : "does not exist";
            case "tcp" when IsTlsConfigured():
                // Talking TLS with client certificates is Testcontainers' job; a listening port is evidence enough.
                return await ConnectTcpAsync(uri, cancellationToken).ConfigureAwait(false);
            case "tcp":
                return await PingOverHttpAsync(new Uri($"http://{uri.Authority}/"), unixSocket: null, cancellationToken).ConfigureAwait(false);
            case "npipe":
                return File.Exists(@"\\.\pipe\" + uri.Segments[^1]) ? null : "does not exist";
            default:
                // ssh:// and friends: leave the verdict to Testcontainers.
                return null;
        }
    }

    private static async Task<string?> PingOverHttpAsync(Uri baseAddress, string? unixSocket, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        using var handler = new SocketsHttpHandler();
        if (unixSocket is not null)
        {
            handler.ConnectCallback = (_, token) => ConnectUnixAsync(unixSocket, token);
        }

        using var client = new HttpClient(handler);
        try
        {
            using var response = await client.GetAsync(new Uri(baseAddress, "_ping"), timeout.Token).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? null : $"answered /_ping with HTTP {(int)response.StatusCode}";
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"did not answer /_ping within {PingTimeout.TotalSeconds:0} s";
        }
        catch (HttpRequestException exception)
        {
            return "did not answer: " + (exception.InnerException?.Message ?? exception.Message);
        }
    }

    private static async ValueTask<Stream> ConnectUnixAsync(string path, CancellationToken cancellationToken)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            await socket.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private static async Task<string?> ConnectTcpAsync(Uri uri, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(PingTimeout);
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(uri.Host, uri.Port, timeout.Token).ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return $"did not accept a connection within {PingTimeout.TotalSeconds:0} s";
        }
        catch (SocketException exception)
        {
            return "did not accept a connection: " + exception.Message;
        }
    }

    private static bool IsTlsConfigured() =>
        !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_TLS_VERIFY"))
        || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DOCKER_CERT_PATH"));

    private static string? ReadTestcontainersProperty(string home)
    {
        var path = Path.Combine(home, ".testcontainers.properties");
        if (!File.Exists(path))
        {
            return null;
        }

        foreach (var line in File.ReadLines(path))
        {
            var trimmed = line.Trim();
            if (trimmed.StartsWith("docker.host", StringComparison.Ordinal)
                && trimmed.IndexOf('=', StringComparison.Ordinal) is var equals and > 0
                && trimmed[..equals].Trim() == "docker.host")
            {
                return trimmed[(equals + 1)..].Trim();
            }
        }

        return null;
    }

    /// <summary>
    /// The endpoint of the current Docker context (Colima, OrbStack, Rancher Desktop set one), following the CLI's
    /// layout: <c>~/.docker/contexts/meta/&lt;sha256 of the name&gt;/meta.json</c>.
    /// </summary>
    private static string? ReadCurrentContextHost(string home)
    {
        try
        {
            var configDirectory = Environment.GetEnvironmentVariable("DOCKER_CONFIG") is { Length: > 0 } configured
                ? configured
                : Path.Combine(home, ".docker");
            var context = Environment.GetEnvironmentVariable("DOCKER_CONTEXT");
            if (string.IsNullOrEmpty(context))
            {
                var configPath = Path.Combine(configDirectory, "config.json");
                if (!File.Exists(configPath))
                {
                    return null;
                }

                using var config = JsonDocument.Parse(File.ReadAllText(configPath));
                context = config.RootElement.TryGetProperty("currentContext", out var current) ? current.GetString() : null;
            }

            if (string.IsNullOrEmpty(context) || context == "default")
            {
                return null;
            }

            var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(context)));
            var metaPath = Path.Combine(configDirectory, "contexts", "meta", hash, "meta.json");
            if (!File.Exists(metaPath))
            {
                return null;
            }

            using var meta = JsonDocument.Parse(File.ReadAllText(metaPath));
            return meta.RootElement.TryGetProperty("Endpoints", out var endpoints)
                && endpoints.TryGetProperty("docker", out var docker)
                && docker.TryGetProperty("Host", out var host)
                ? host.GetString()
                : null;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or JsonException or InvalidOperationException)
        {
            // A broken Docker config only means we cannot learn the endpoint from it.
            return null;
        }
    }
}
