namespace SessionStore.DevServer;

/// <summary>
/// Where the etcd behind an <see cref="EtcdDevServer"/> came from.
/// </summary>
public enum EtcdDevServerSource
{
    /// <summary>
    /// Endpoints read from the environment variable named by <see cref="EtcdDevServerOptions.EnvironmentVariable"/>.
    /// The server is not ours: disposing leaves it running.
    /// </summary>
    EnvironmentVariable,

    /// <summary>
    /// A throwaway single-member <c>etcd</c> process on loopback with its own temporary data directory; disposing kills
    /// it and deletes the directory.
    /// </summary>
    LocalProcess,
}
