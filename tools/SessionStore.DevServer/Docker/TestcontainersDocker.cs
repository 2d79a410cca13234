using DotNet.Testcontainers.Builders;
using DotNet.Testcontainers.Configurations;

namespace SessionStore.DevServer.Docker;

/// <summary>
/// Asks Testcontainers whether it has a Docker engine, with a deadline. The discovery is Testcontainers' own:
/// <see cref="TestcontainersSettings.OS"/>'s <see cref="IOperatingSystem.DockerEndpointAuthConfig"/> is the first
/// endpoint (<c>~/.testcontainers.properties</c>, TLS settings, <c>DOCKER_HOST</c>, the default, Docker Desktop and
/// rootless sockets) that answered a ping, or <see langword="null"/> when none did; and a container builder then throws a
/// <see cref="DockerUnavailableException"/> that names every endpoint tried and why it failed.
/// </summary>
/// <remarks>
/// The deadline is the one thing added. Testcontainers discovers once per process, synchronously, in the static
/// initializer of <see cref="TestcontainersSettings"/>, and its ping has no timeout: with <c>DOCKER_HOST</c> at an
/// endpoint that accepts connections but never answers, the first touch of Testcontainers blocks for minutes. So the
/// discovery runs on a thread-pool thread, is waited for at most <see cref="DiscoveryTimeout"/>, and when it does not
/// finish it is abandoned: Testcontainers is not touched again by this process (any later touch would block too).
/// </remarks>
internal static class TestcontainersDocker
{
    /// <summary>
    /// How long the discovery may take. A running engine answers in milliseconds and a missing or refusing endpoint
    /// fails at once; the first touch of Testcontainers in a process takes a few hundred milliseconds more.
    /// </summary>
    internal static readonly TimeSpan DiscoveryTimeout = TimeSpan.FromSeconds(5);

    // Discovery happens once per process in Testcontainers, so once here too.
    private static readonly Lazy<Task<DockerDiscovery>> Discovery = new(() => Task.Run(Discover));

    // What the discovery of this process said when it was abandoned; null while it has not been.
    private static DockerDiscovery? _abandoned;

    /// <summary>
    /// The endpoint Testcontainers will use, or why it cannot be used; never waits longer than
    /// <see cref="DiscoveryTimeout"/>, and not at all after a discovery of this process was abandoned.
    /// </summary>
    public static async Task<DockerDiscovery> DiscoverAsync(CancellationToken cancellationToken)
    {
        var discovery = Discovery.Value;
        if (!discovery.IsCompleted && Volatile.Read(ref _abandoned) is { } abandoned)
        {
            return abandoned;
        }

        var result = await WaitAsync(discovery, DiscoveryTimeout, cancellationToken).ConfigureAwait(false);
        if (!result.Found && !discovery.IsCompleted)
        {
            Volatile.Write(ref _abandoned, result);
        }

        return result;
    }

    /// <summary>
    /// Waits for <paramref name="discovery"/> at most <paramref name="timeout"/>; past it, says that it did not finish.
    /// </summary>
    internal static async Task<DockerDiscovery> WaitAsync(Task<DockerDiscovery> discovery, TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return await discovery.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            var dockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");
            var configured = string.IsNullOrWhiteSpace(dockerHost) ? string.Empty : $" (DOCKER_HOST is {dockerHost.Trim()})";
            return new DockerDiscovery(null,
                $"Testcontainers' Docker discovery did not finish within {timeout.TotalSeconds:0.#} s{configured}; "
                + "an endpoint accepts connections but does not answer, so Testcontainers is not used by this process");
        }
    }

    private static DockerDiscovery Discover()
    {
        if (TestcontainersSettings.OS.DockerEndpointAuthConfig is { Endpoint: { } endpoint })
        {
            return new DockerDiscovery(endpoint, endpoint.ToString());
        }

        // Only a builder says why there is no endpoint; Build() validates the configuration and talks to no engine.
        try
        {
            _ = new ContainerBuilder("mysql").Build();
            return new DockerDiscovery(null, "Testcontainers found no Docker endpoint");
        }
        catch (DockerUnavailableException exception)
        {
            return new DockerDiscovery(null, "Testcontainers found no Docker engine: " + Describe(exception));
        }
    }

    /// <summary>
    /// Each endpoint tried, once, with the innermost cause: <c>Failed to connect to Docker endpoint at
    /// 'unix:///var/run/docker.sock' (Connection refused)</c>.
    /// </summary>
    private static string Describe(DockerUnavailableException exception)
    {
        var failures = exception.InnerException is AggregateException aggregate ? aggregate.InnerExceptions : [exception];
        return string.Join("; ", failures
            .Select(failure =>
            {
                var cause = failure.GetBaseException();
                var what = failure.Message.Split('\n', 2)[0].Trim().TrimEnd('.');
                return ReferenceEquals(cause, failure) ? what : $"{what} ({cause.Message.TrimEnd('.')})";
            })
            .Distinct(StringComparer.Ordinal));
    }
}
