using SessionStore.Etcd.ClusterTests.Harness;

namespace SessionStore.Etcd.ClusterTests;

/// <summary>One three-member etcd cluster for the test class, with etcd's default timings, torn down afterwards.</summary>
public sealed class EtcdClusterFixture : IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly List<string> _startLog = [];
    private EtcdCluster? _cluster;

    public IReadOnlyList<string> StartLog => _startLog;

    internal EtcdCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    public async Task InitializeAsync() =>
        _cluster = await EtcdCluster.StartAsync(EtcdTimings.Default, _startLog.Add, s_startTimeout, CancellationToken.None);

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}
