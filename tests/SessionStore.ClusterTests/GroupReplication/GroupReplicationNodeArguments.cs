using System.Globalization;

namespace SessionStore.ClusterTests.GroupReplication;

/// <summary>The mysqld command line of a group member. Nothing comes from /etc/mysql: <c>--no-defaults</c> first.</summary>
internal static class GroupReplicationNodeArguments
{
    /// <summary>
    /// The <c>--initialize-insecure</c> run that creates one datadir (root@localhost without a password); the harness
    /// copies it for the other nodes without auto.cnf, so that each gets a server_uuid of its own.
    /// </summary>
    public static List<string> ForInitialization(string dataDirectory) =>
    [
        "--no-defaults",
        "--initialize-insecure",
        "--user=root",
        $"--datadir={dataDirectory}",
        "--secure-file-priv=NULL",
        "--innodb-redo-log-capacity=32M",
    ];

    public static List<string> For(GroupReplicationNode node, IReadOnlyList<GroupReplicationNode> group, string groupName, string initFile)
    {
        var seeds = string.Join(',', group.Select(member => member.LocalAddress));
        return
        [
            "--no-defaults",
            // The tests may run as root, and mysqld refuses to unless told to.
            "--user=root",
            $"--datadir={node.DataDirectory}",
            $"--server-id={node.Number.ToString(CultureInfo.InvariantCulture)}",
            $"--bind-address={node.Host}",
            $"--port={Port(node.SqlPort)}",
            "--mysqlx=OFF",
            $"--socket={node.SocketPath}",
            $"--pid-file={node.PidFile}",
            $"--log-error={node.ErrorLog}",
            // The compiled-in /var/lib/mysql-files often does not exist, and MySQL then refuses to start.
            "--secure-file-priv=NULL",
            "--skip-name-resolve",
            // Root over TCP and the recovery user, created outside the binary log at every start (see the cluster).
            $"--init-file={initFile}",
            // As InnoDB Cluster does: a member is read-only until the group makes it primary. Without this, a crashed
            // primary restarted with start_on_boot=OFF would take writes as a standalone server until it rejoins, and
            // those transactions would then stop it from rejoining at all.
            "--super-read-only=ON",
            "--default-time-zone=+00:00",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            "--max-connections=300",
            "--performance-schema=ON",
            // Test data: no fsync per commit (the other members are the durability), small buffers and logs.
            "--innodb-flush-log-at-trx-commit=2",
            "--innodb-buffer-pool-size=64M",
            "--innodb-redo-log-capacity=32M",
            // What group replication requires (MySQL manual, "Group Replication Requirements"); binary log is on by default.
            "--gtid-mode=ON",
            "--enforce-gtid-consistency=ON",
            "--plugin-load-add=group_replication.so",
            $"--group-replication-group-name={groupName}",
            $"--group-replication-local-address={node.LocalAddress}",
            $"--group-replication-group-seeds={seeds}",
            "--group-replication-start-on-boot=OFF",
            // The recovery user authenticates with caching_sha2_password over a non-TLS channel: fetch the server's key.
            "--group-replication-recovery-get-public-key=ON",
            // Expel a member as soon as it is suspected (about 5 s of silence) instead of 5 s later (the default).
            "--group-replication-member-expel-timeout=0",
            // The election after a primary leaves prefers the highest weight: node1 > node2 > node3, the order of the
            // failover DSN, so that the next host a FailOver connection reaches is the new primary.
            $"--group-replication-member-weight={(80 - (10 * node.Number)).ToString(CultureInfo.InvariantCulture)}",
            $"--report-host={node.Host}",
            $"--report-port={Port(node.SqlPort)}",
        ];
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
