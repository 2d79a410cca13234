namespace SessionStore.DevServer.Docker;

/// <summary>
/// Whether a Docker engine answered, with the endpoint that did or why none did.
/// </summary>
internal readonly record struct DockerProbeResult(bool Answered, string Detail);
