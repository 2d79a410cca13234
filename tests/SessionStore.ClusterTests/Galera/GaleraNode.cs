using System.Net;
using SessionStore.ClusterTests.Harness;

namespace SessionStore.ClusterTests.Galera;

/// <summary>
/// One node of the loopback Galera cluster: a <see cref="ClusterNode"/> running mariadbd, whose group communication,
/// IST and SST also listen on its own address.
/// </summary>
internal sealed class GaleraNode(int number, string directory, int sqlPort, int gcommPort, int istPort, int sstPort)
    : ClusterNode(number, directory, sqlPort, "mariadbd")
{
    public IPAddress Address => IPAddress.Parse(Host);

    /// <summary>Group communication (gcomm), Galera's 4567.</summary>
    public int GcommPort { get; } = gcommPort;

    /// <summary>Incremental state transfer receiver, Galera's 4568.</summary>
    public int IstPort { get; } = istPort;

    /// <summary>Snapshot state transfer receiver (the joiner's rsync daemon), Galera's 4444.</summary>
    public int SstPort { get; } = sstPort;

    /// <summary>Where <c>mariadbd --wsrep-recover</c> writes, so that the node's own log stays one run's story.</summary>
    public string RecoveryLog => Path.Combine(Directory, "recovery.log");
}
