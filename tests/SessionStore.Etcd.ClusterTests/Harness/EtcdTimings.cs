namespace SessionStore.Etcd.ClusterTests.Harness;

/// <summary>
/// The Raft timing flags of every member. etcd's defaults (100 ms heartbeat, 1000 ms election timeout) are what a
/// deployment on one network runs, so a failover measured with them is the number a user will see.
/// </summary>
internal sealed record EtcdTimings(TimeSpan HeartbeatInterval, TimeSpan ElectionTimeout)
{
    public static EtcdTimings Default { get; } = new(TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(1000));
}
