using System.Diagnostics;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using MySqlConnector;
using SessionStore.ClusterTests.GroupReplication;

namespace SessionStore.ClusterTests;

/// <summary>
/// One three-member MySQL group replication cluster (single-primary) for the test class: the sessions table made from
/// schema/mysql/001_create_sessions.sql, and a least-privilege application user that may connect from each node's
/// loopback address. Torn down afterwards.
/// </summary>
public sealed class GroupReplicationClusterFixture : IAsyncLifetime
{
    private const string Database = "sessionstore_cluster";

    private const string ApplicationUser = "sessions";

    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(120);

    private readonly string _applicationPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));
    private readonly List<string> _startLog = [];
    private GroupReplicationCluster? _cluster;

    /// <summary>From nothing to three ONLINE members with the table and user in place.</summary>
    public TimeSpan StartDuration { get; private set; }

    public IReadOnlyList<string> StartLog => _startLog;

    internal GroupReplicationCluster Cluster => _cluster ?? throw new InvalidOperationException("The cluster is not started.");

    /// <summary>
    /// <c>Server=127.0.0.1,127.0.0.2,127.0.0.3;LoadBalance=FailOver</c>: every new connection tries node 1 first and moves
    /// on when it cannot connect. MySqlConnector has one <c>Port</c> for all hosts, hence one port on three addresses.
    /// </summary>
    internal string FailoverConnectionString(string applicationName) =>
        ConnectionString(string.Join(',', Cluster.Nodes.Select(node => node.Host)), applicationName, MySqlLoadBalance.FailOver);

    internal string ConnectionString(GroupReplicationNode node, string applicationName) =>
        ConnectionString(node.Host, applicationName, MySqlLoadBalance.RoundRobin);

    public async Task InitializeAsync()
    {
        var stopwatch = Stopwatch.StartNew();
        _cluster = await GroupReplicationCluster.StartAsync(_startLog.Add, s_startTimeout, CancellationToken.None);
        try
        {
            await CreateSchemaAsync();
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

    /// <summary>A cache on <paramref name="connectionString"/>, through AddDbiSessionCache as an app would build it.</summary>
    internal static ClusterCache CreateCache(string connectionString, bool causalReads)
    {
        var retries = new TransientRetryCounter();
        var provider = new ServiceCollection()
            .AddSingleton<ILogger<DbiSessionCache>>(retries)
            .AddDbiSessionCache(options =>
            {
                options.Dsn = connectionString;
                options.CausalReads = causalReads;
            })
            .BuildServiceProvider();
        return new ClusterCache(provider, retries);
    }

    /// <summary>All rows of the sessions table, read as root on <paramref name="node"/> without waiting for the group.</summary>
    internal async Task<long> CountRowsAsync(GroupReplicationNode node)
    {
        await using var connection = new MySqlConnection(Cluster.AdminConnectionString(node));
        await connection.OpenAsync();
        await using var command = new MySqlCommand($"SELECT COUNT(*) FROM `{Database}`.sessions", connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>gtid_executed of <paramref name="node"/>: what it has committed or applied.</summary>
    internal async Task<string> ReadExecutedGtidsAsync(GroupReplicationNode node)
    {
        await using var connection = new MySqlConnection(Cluster.AdminConnectionString(node));
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT @@GLOBAL.gtid_executed", connection);
        return ((string?)await command.ExecuteScalarAsync() ?? string.Empty).Replace("\n", string.Empty, StringComparison.Ordinal);
    }

    private string ConnectionString(string server, string applicationName, MySqlLoadBalance loadBalance) => new MySqlConnectionStringBuilder
    {
        Server = server,
        Port = (uint)Cluster.SqlPort,
        Database = Database,
        UserID = ApplicationUser,
        Password = _applicationPassword,
        LoadBalance = loadBalance,
        // A host that accepts TCP but never answers must not hold a failover for 15 s.
        ConnectionTimeout = 3,
        // Distinct names give distinct pools, so a session variable one cache sets never reaches another cache's reads.
        ApplicationName = applicationName,
    }.ConnectionString;

    private async Task CreateSchemaAsync()
    {
        var schema = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "schema", "001_create_sessions.sql"));
        // The group was just bootstrapped on node1, which is its primary: the only member that takes writes.
        var primary = Cluster.Nodes[0];
        await using (var connection = new MySqlConnection(Cluster.AdminConnectionString(primary)))
        {
            await connection.OpenAsync();
            var hosts = Cluster.Nodes.Select(node => node.Host).ToList();
            List<string> statements =
            [
                $"CREATE DATABASE `{Database}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
                $"USE `{Database}`",
                schema,
                // The exact host is matched first, and a client's source address on loopback is 127.0.0.1 whichever
                // node it dials; an entry per address keeps the user working however the kernel picks it.
                .. hosts.Select(host => $"CREATE USER '{ApplicationUser}'@'{host}' IDENTIFIED BY '{_applicationPassword}'"),
                // What the cache needs at run time, nothing more: no DDL.
                .. hosts.Select(host => $"GRANT SELECT, INSERT, UPDATE, DELETE ON `{Database}`.* TO '{ApplicationUser}'@'{host}'"),
            ];
            foreach (var statement in statements)
            {
                await using var command = new MySqlCommand(statement, connection);
                await command.ExecuteNonQueryAsync();
            }
        }

        // DDL and grants reach the secondaries through the group's applier, in their own time. A read with
        // group_replication_consistency = 'BEFORE' waits until its member has applied everything committed before it;
        // then the application user must get in on every node.
        foreach (var node in Cluster.Nodes)
        {
            await using (var admin = new MySqlConnection(Cluster.AdminConnectionString(node)))
            {
                await admin.OpenAsync();
                await using var wait = new MySqlCommand(
                    $"SET SESSION group_replication_consistency = 'BEFORE'; SELECT COUNT(*) FROM `{Database}`.sessions", admin);
                await wait.ExecuteScalarAsync();
            }

            var asApplication = new MySqlConnectionStringBuilder(ConnectionString(node, "setup")) { Pooling = false }.ConnectionString;
            await using var connection = new MySqlConnection(asApplication);
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT COUNT(*) FROM sessions", connection);
            await command.ExecuteScalarAsync();
        }
    }
}
