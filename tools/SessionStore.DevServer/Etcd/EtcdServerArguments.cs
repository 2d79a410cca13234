using System.Globalization;

namespace SessionStore.DevServer.Etcd;

/// <summary>The command line of a throwaway single-member etcd on loopback.</summary>
internal static class EtcdServerArguments
{
    // etcd's own recommended ceiling (8 GiB) instead of the 2 GiB default: a long benchmark of 256 KB writes fills 2 GiB of
    // history before compaction frees it, and the NOSPACE alarm then refuses every write. bbolt only maps the space.
    private const string QuotaBackendBytes = "8589934592";

    public static IReadOnlyList<string> Create(string memberName, string dataDirectory, int clientPort, int peerPort)
    {
        var clientUrl = Url(clientPort);
        var peerUrl = Url(peerPort);
        return
        [
            "--name", memberName,
            "--data-dir", dataDirectory,
            "--listen-client-urls", clientUrl,
            "--advertise-client-urls", clientUrl,
            "--listen-peer-urls", peerUrl,
            "--initial-advertise-peer-urls", peerUrl,
            "--initial-cluster", $"{memberName}={peerUrl}",
            // The member name is unique per server, so a leftover member of another run can never join this cluster.
            "--initial-cluster-token", memberName,
            // Auto-compaction is off by default (../shared/notes/etcd-here.md): session writes would grow the database until
            // the quota alarm. One minute of history is plenty for a development server.
            "--auto-compaction-mode", "periodic",
            "--auto-compaction-retention", "1m",
            "--quota-backend-bytes", QuotaBackendBytes,
            // 3.4's default logger (capnslog) is deprecated; zap to stderr, whose tail a failure message shows.
            "--logger", "zap",
            "--log-outputs", "stderr",
        ];
    }

    public static string Url(int port) => $"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
}
