namespace SessionStore.ClusterTests.Galera;

/// <summary>A node's view of the cluster, from its wsrep status variables.</summary>
/// <param name="Ready">wsrep_ready: the node accepts queries.</param>
/// <param name="ClusterSize">wsrep_cluster_size: members of its component.</param>
/// <param name="State">wsrep_local_state_comment: Synced, Joining, Donor/Desynced …</param>
/// <param name="ClusterStatus">wsrep_cluster_status: Primary, or non-Primary when it lost quorum.</param>
internal sealed record NodeStatus(bool Ready, int ClusterSize, string State, string ClusterStatus)
{
    public bool IsSyncedMemberOf(int size) =>
        Ready && ClusterSize == size && State == "Synced" && ClusterStatus == "Primary";

    public override string ToString() => $"ready={(Ready ? "ON" : "OFF")}, size={ClusterSize}, {State}, {ClusterStatus}";
}
