using System.Globalization;

namespace SessionStore.ClusterTests.Galera;

/// <summary>The mariadbd command line of a node. Nothing comes from /etc/mysql: <c>--no-defaults</c> first.</summary>
internal static class GaleraNodeArguments
{
    /// <summary>
    /// Failure detection in seconds rather than Galera's defaults (suspect after 5 s, evict after 15 s), so that a killed
    /// node stalls the others' commits for about 3 s (measured here) instead of about 15. Too short for a real network,
    /// where a GC pause or a busy link would evict healthy nodes.
    /// </summary>
    private const string FastFailureDetection =
        "evs.suspect_timeout=PT3S;evs.inactive_timeout=PT5S;evs.install_timeout=PT5S;evs.keepalive_period=PT1S;evs.inactive_check_period=PT1S";

    public static List<string> For(GaleraBinaries binaries, GaleraNode node, IReadOnlyList<GaleraNode> cluster, string clusterName, bool bootstrap)
    {
        var gcomm = string.Join(',', cluster.Select(member => $"{member.Host}:{Port(member.GcommPort)}"));
        List<string> arguments =
        [
            "--no-defaults",
            $"--datadir={node.DataDirectory}",
            $"--bind-address={node.Host}",
            $"--port={Port(node.SqlPort)}",
            $"--socket={node.SocketPath}",
            $"--pid-file={node.PidFile}",
            $"--log-error={node.ErrorLog}",
            "--skip-name-resolve",
            "--character-set-server=utf8mb4",
            "--collation-server=utf8mb4_unicode_ci",
            "--max-connections=300",
            // Test data: no fsync per commit (Galera's durability is the other nodes anyway), small buffers and logs, which
            // also keeps the rsync state transfer of a whole datadir short.
            "--innodb-flush-log-at-trx-commit=2",
            "--innodb-doublewrite=OFF",
            "--innodb-buffer-pool-size=64M",
            "--innodb-log-file-size=16M",
            // What Galera requires (MariaDB manual, "Configuring MariaDB Galera Cluster", mandatory options).
            "--binlog-format=ROW",
            "--innodb-autoinc-lock-mode=2",
            "--wsrep-on=ON",
            $"--wsrep-provider={binaries.ProviderPath}",
            // A name of its own, so a node can never join another test run's cluster.
            $"--wsrep-cluster-name={clusterName}",
            $"--wsrep-cluster-address=gcomm://{gcomm}",
            $"--wsrep-node-name={node.Name}",
            $"--wsrep-node-address={node.Host}:{Port(node.GcommPort)}",
            "--wsrep-sst-method=rsync",
            $"--wsrep-sst-receive-address={node.Host}:{Port(node.SstPort)}",
            "--wsrep-slave-threads=2",
            "--wsrep-provider-options=" + string.Join(';',
                $"gmcast.listen_addr=tcp://{node.Host}:{Port(node.GcommPort)}",
                $"ist.recv_addr={node.Host}:{Port(node.IstPort)}",
                FastFailureDetection,
                // Holds the write sets a node that was down for a few seconds needs to catch up by IST instead of a full SST.
                "gcache.size=32M"),
        ];

        if (binaries.RunAsUser is { } user)
        {
            arguments.Add($"--user={user}");
        }

        if (bootstrap)
        {
            // Only the first start of the first node: it forms a new cluster instead of looking for one.
            arguments.Add("--wsrep-new-cluster");
        }

        return arguments;
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);
}
