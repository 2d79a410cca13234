namespace SessionStore.Etcd;

/// <summary>
/// Options of <see cref="EtcdSessionCache"/>. Set exactly one way to connect: <see cref="Dsn"/>, <see cref="Endpoints"/> or
/// <see cref="UseClientFromServices"/>.
/// </summary>
public sealed class EtcdSessionCacheOptions
{
    /// <summary>
    /// The etcd members in the form of the ancestor Dancer2::Session::Etcd: <c>host=127.0.0.1;port=2379</c>, several separated
    /// by commas (<c>host=a;port=2379,host=b;port=2379</c>). The port defaults to 2379. Default: <see langword="null"/>.
    /// </summary>
    public string? Dsn { get; set; }

    /// <summary>The etcd members as URLs (<c>http://127.0.0.1:2379</c>, or <c>https://…</c> with <see cref="UseTls"/>). Default: empty.</summary>
    public IList<string> Endpoints { get; set; } = [];

    /// <summary>The etcd user, when etcd authentication is enabled; needs <see cref="Password"/>. Default: <see langword="null"/>.</summary>
    public string? User { get; set; }

    /// <summary>The etcd user's password. Default: <see langword="null"/>.</summary>
    public string? Password { get; set; }

    /// <summary>The prefix of every key the cache writes (the ancestor's table). Default: <c>sessions/</c>.</summary>
    public string KeyPrefix { get; set; } = "sessions/";

    /// <summary>Whether to connect with TLS (<c>https</c> endpoints). Default: <see langword="false"/>.</summary>
    public bool UseTls { get; set; }

    /// <summary>
    /// A PEM file with the certificate authority that signed the members' certificates, for a private CA; only with
    /// <see cref="UseTls"/>. Default: <see langword="null"/> (the system's trust store).
    /// </summary>
    public string? CaCertificateFile { get; set; }

    /// <summary>
    /// Whether to use the <c>dotnet_etcd.EtcdClient</c> registered in DI; it stays the app's to dispose. Default: <see langword="false"/>.
    /// </summary>
    public bool UseClientFromServices { get; set; }

    /// <summary>
    /// Whether reads are serializable (answered by the member they reach, possibly stale) instead of linearizable (confirmed
    /// by the leader: always the latest write, one more round within the cluster). etcd's counterpart of the MySQL store's
    /// <c>CausalReads</c>, with the opposite default. Default: <see langword="false"/>.
    /// </summary>
    public bool SerializableReads { get; set; }

    /// <summary>The sliding expiration of an entry written with no expiration at all. Default: 20 minutes.</summary>
    public TimeSpan DefaultSlidingExpiration { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>
    /// Lazy sliding: the fraction of its window that must pass before a read or refresh writes a new expiry; from 0 (every
    /// read writes) to 0.5. Default: 0.1.
    /// </summary>
    public double SlidingExtensionThreshold { get; set; } = 0.1;

    /// <summary>
    /// How long one request to an etcd member may take before it is abandoned and, like every request of the cache (all are
    /// idempotent), retried on the next member; <see cref="Timeout.InfiniteTimeSpan"/> for no limit. A request in flight
    /// when a member dies, or through a follower whose leader died, otherwise waits for the caller's own timeout. It bounds
    /// each attempt, not the whole operation: the caller's token does that. Default: 2 seconds.
    /// </summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(2);
}
