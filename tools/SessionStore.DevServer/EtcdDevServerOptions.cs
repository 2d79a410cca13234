namespace SessionStore.DevServer;

/// <summary>
/// Controls how <see cref="EtcdDevServer.StartAsync(EtcdDevServerOptions?, CancellationToken)"/> finds an etcd server.
/// </summary>
public sealed class EtcdDevServerOptions
{
    /// <summary>
    /// Gets or sets the name of the environment variable that may hold the endpoints of an etcd you run, comma-separated
    /// (<c>http://127.0.0.1:2379</c>, or <c>127.0.0.1:2379</c> for plain HTTP). When that variable is set and not blank,
    /// that etcd is used and nothing is started. Default: <c>SESSIONSTORE_ETCD</c>.
    /// </summary>
    public string EnvironmentVariable { get; set; } = "SESSIONSTORE_ETCD";

    /// <summary>
    /// Gets or sets the <c>etcd</c> binary to start, or <see langword="null"/> to look for <c>etcd</c> on <c>PATH</c> and in
    /// <c>/usr/bin</c>, <c>/usr/local/bin</c> (Debian's <c>etcd-server</c> package installs <c>/usr/bin/etcd</c>).
    /// Default: <see langword="null"/>.
    /// </summary>
    public string? EtcdPath { get; set; }

    /// <summary>
    /// Gets or sets how long a local etcd may take to elect itself leader and answer. Default: 30 seconds.
    /// </summary>
    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Gets or sets a sink for progress lines (what was tried, where the server runs), or <see langword="null"/> for none.
    /// Default: <see langword="null"/>.
    /// </summary>
    public Action<string>? Log { get; set; }
}
