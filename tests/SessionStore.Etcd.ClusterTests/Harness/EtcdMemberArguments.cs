using System.Globalization;

namespace SessionStore.Etcd.ClusterTests.Harness;

/// <summary>The command line of one member of a three-member loopback cluster.</summary>
internal static class EtcdMemberArguments
{
    /// <param name="clusterToken">Unique per cluster, so members of two clusters (a leftover, a parallel run) never join up.</param>
    public static IReadOnlyList<string> Create(EtcdMember member, IReadOnlyList<EtcdMember> members, string clusterToken, EtcdTimings timings) =>
    [
        "--name", member.Name,
        "--data-dir", member.DataDirectory,
        "--listen-client-urls", member.ClientUrl,
        "--advertise-client-urls", member.ClientUrl,
        "--listen-peer-urls", member.PeerUrl,
        "--initial-advertise-peer-urls", member.PeerUrl,
        "--initial-cluster", string.Join(',', members.Select(each => $"{each.Name}={each.PeerUrl}")),
        // Ignored once the data directory holds a member: a restart after kill -9 rejoins with its own log.
        "--initial-cluster-state", "new",
        "--initial-cluster-token", clusterToken,
        "--heartbeat-interval", Milliseconds(timings.HeartbeatInterval),
        "--election-timeout", Milliseconds(timings.ElectionTimeout),
        // 3.4's default logger (capnslog) is deprecated and writes to stderr only; zap to a file the failure messages show.
        "--logger", "zap",
        "--log-outputs", member.LogFile,
    ];

    private static string Milliseconds(TimeSpan span) => ((long)span.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
}
