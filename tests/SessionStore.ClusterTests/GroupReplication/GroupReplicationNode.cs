using System.Globalization;
using SessionStore.ClusterTests.Harness;

namespace SessionStore.ClusterTests.GroupReplication;

/// <summary>
/// One member of the loopback group: a <see cref="ClusterNode"/> running mysqld (report_host is its 127.0.0.N), with its
/// own group communication port.
/// </summary>
internal sealed class GroupReplicationNode(int number, string directory, int sqlPort, int groupPort)
    : ClusterNode(number, directory, sqlPort, "mysqld")
{
    /// <summary>
    /// group_replication_local_address is 127.0.0.1:GroupPort on every node: the group communication layer only accepts
    /// an address that an interface carries, and the loopback interface carries 127.0.0.1 alone (127.0.0.2 fails with
    /// "There is no local IP address matching the one configured for the local node").
    /// </summary>
    public int GroupPort { get; } = groupPort;

    public string LocalAddress => "127.0.0.1:" + GroupPort.ToString(CultureInfo.InvariantCulture);
}
