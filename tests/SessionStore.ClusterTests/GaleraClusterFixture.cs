using System.Diagnostics;
using MySqlConnector;
using SessionStore.ClusterTests.Galera;
using SessionStore.ClusterTests.Harness;

namespace SessionStore.ClusterTests;

/// <summary>
/// One three-node Galera cluster for the test class: the sessions table made from schema/mysql/001_create_sessions.sql,
/// and a least-privilege application user that may connect from each node's loopback address. Torn down afterwards.
/// </summary>
public sealed class GaleraClusterFixture : IAsyncLifetime
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(150);

    private readonly List<string> _startLog = [];
    private GaleraCluster? _cluster;
    private ClusterDatabase? _database;

    /// <summary>From nothing to three Synced nodes with the table and user in place.</summary>
    public TimeSpan StartDuration { get; private set; }

    public IReadOnlyList<string> StartLog => _startLog;

    internal GaleraCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    private ClusterDatabase Database => _database ?? throw new InvalidOperationException("The cluster is not started.");

    /// <inheritdoc cref="ClusterDatabase.FailoverConnectionString"/>
    internal string FailoverConnectionString(string applicationName) => Database.FailoverConnectionString(applicationName);

    internal string ConnectionString(GaleraNode node, string applicationName) => Database.ConnectionString(node, applicationName);

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        _cluster = await GaleraCluster.StartAsync(_startLog.Add, s_startTimeout, CancellationToken.None);
        try
        {
            _database = new ClusterDatabase(_cluster.Nodes);
            await _database.CreateAsync("wsrep_sync_wait = 1");
        }
        catch
        {
            await _cluster.DisposeAsync();
            throw;
        }

        StartDuration = stopwatch.Elapsed;
        _startLog.Add($"Table and user ready on every node after {StartDuration.TotalSeconds:0.0} s.");
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    /// <summary>
    /// Every node's wsrep_local_cert_failures + wsrep_local_bf_aborts: the transactions the cluster aborted for conflicts.
    /// </summary>
    internal async Task<long> ReadConflictCountersAsync()
    {
        long total = 0;
        foreach (var node in Cluster.Nodes)
        {
            await using var connection = new MySqlConnection(node.AdminConnectionString);
            await connection.OpenAsync();
            await using var command = new MySqlCommand(
                "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_local_cert_failures', 'wsrep_local_bf_aborts')", connection);
            await using var reader = await command.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                total += long.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture);
            }
        }

        return total;
    }
}
