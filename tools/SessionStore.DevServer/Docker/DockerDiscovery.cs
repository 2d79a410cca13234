namespace SessionStore.DevServer.Docker;

/// <summary>
/// What Testcontainers' Docker discovery found: the endpoint of an engine that answered, or why there is none.
/// </summary>
/// <param name="Endpoint">The engine's endpoint, or <see langword="null"/> when none answered.</param>
/// <param name="Detail">The endpoint, or why Testcontainers cannot be used; never a password.</param>
internal sealed record DockerDiscovery(Uri? Endpoint, string Detail)
{
    public bool Found => Endpoint is not null;
}
