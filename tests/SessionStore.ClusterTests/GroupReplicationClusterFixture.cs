using System.Diagnostics;
using MySqlConnector;
using SessionStore.ClusterTests.GroupReplication;
using SessionStore.ClusterTests.Harness;

namespace SessionStore.ClusterTests;

/// <summary>
/// One three-member MySQL group replication cluster (single-primary) for the test class: the sessions table made from
/// schema/mysql/001_create_sessions.sql, and a least-privilege application user that may connect from each node's
/// loopback address. Torn down afterwards.
/// </summary>
public sealed class GroupReplicationClusterFixture : IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);

    private readonly List<string> _startLog = [];
    private GroupReplicationCluster? _cluster;
    private ClusterDatabase? _database;

    /// <summary>From nothing to three ONLINE members with the table and user in place.</summary>
    public TimeSpan StartDuration { get; private set; }

    public IReadOnlyList<string> StartLog => _startLog;

    internal GroupReplicationCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    private ClusterDatabase Database => _database ?? throw new InvalidOperationException("The cluster is not started.");

    /// <inheritdoc cref="ClusterDatabase.FailoverConnectionString"/>
    internal string FailoverConnectionString(string applicationName) => Database.FailoverConnectionString(applicationName);

    internal string ConnectionString(GroupReplicationNode node, string applicationName) => Database.ConnectionString(node, applicationName);

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        _cluster = await GroupReplicationCluster.StartAsync(_startLog.Add, s_startTimeout, CancellationToken.None);
        try
        {
            // The group was just bootstrapped on node1, which is its primary: the only member that takes writes. A read
            // with group_replication_consistency = 'BEFORE' waits until its member has applied everything before it.
            _database = new ClusterDatabase(_cluster.Nodes);
            await _database.CreateAsync("group_replication_consistency = 'BEFORE'");
        }
        catch
        {
            await _cluster.DisposeAsync();
            throw;
        }

        StartDuration = stopwatch.Elapsed;
        _startLog.Add($"Table and user ready on every member after {StartDuration.TotalSeconds:0.0} s.");
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>All rows of the sessions table, read as root on <paramref name="node"/> without waiting for the group.</summary>
    internal static async Task<long> CountRowsAsync(GroupReplicationNode node)
    {
        await using var connection = new MySqlConnection(node.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"SELECT COUNT(*) FROM `{ClusterDatabase.Name}`.sessions", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>gtid_executed of <paramref name="node"/>: what it has committed or applied.</summary>
    internal static async Task<string> ReadExecutedGtidsAsync(GroupReplicationNode node)
    {
        await using var connection = new MySqlConnection(node.AdminConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT @@GLOBAL.gtid_executed", connection);
        return ((string?)await command.ExecuteScalarAsync() ?? string.Empty).Replace("\n", string.Empty, StringComparison.Ordinal);
    }
}
