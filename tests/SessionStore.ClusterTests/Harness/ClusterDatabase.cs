using System.Security.Cryptography;
using MySqlConnector;

namespace SessionStore.ClusterTests.Harness;

/// <summary>
/// The sessions database of a loopback cluster: the table made from schema/mysql/001_create_sessions.sql, a
/// least-privilege application user that may connect from each node's loopback address, and the connection strings the
/// caches under test use.
/// </summary>
internal sealed class ClusterDatabase(IReadOnlyList<ClusterNode> nodes)
{
    public const string Name = "sessionstore_cluster";

    private const string ApplicationUser = "sessions";

    private readonly string _applicationPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    /// <summary>
    /// <c>Server=127.0.0.1,127.0.0.2,127.0.0.3;LoadBalance=FailOver</c>: every new connection tries node 1 first and moves
    /// on when it cannot connect. MySqlConnector has one <c>Port</c> for all hosts, hence one port on three addresses.
    /// </summary>
    public string FailoverConnectionString(string applicationName) =>
        ConnectionString(string.Join(',', nodes.Select(node => node.Host)), applicationName, MySqlLoadBalance.FailOver);

    public string ConnectionString(ClusterNode node, string applicationName) =>
        ConnectionString(node.Host, applicationName, MySqlLoadBalance.RoundRobin);

    /// <summary>
    /// Creates the database, table and user through node1, then waits until every node has applied them and the
    /// application user gets in there.
    /// </summary>
    /// <param name="causalReadSetting">
    /// The session setting under which a read as root waits until its node has applied everything committed before it
    /// (<c>wsrep_sync_wait = 1</c>, <c>group_replication_consistency = 'BEFORE'</c>).
    /// </param>
    public async Task CreateAsync(string causalReadSetting)
    {
        var schema = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "schema", "001_create_sessions.sql"));
        // node1 is where the cluster was bootstrapped (for group replication: its primary, the only member that takes writes).
        await using (var connection = new MySqlConnection(nodes[0].AdminConnectionString))
        {
            await connection.OpenAsync();
            var hosts = nodes.Select(node => node.Host).ToList();
            List<string> statements =
            [
                $"CREATE DATABASE `{Name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci",
                $"USE `{Name}`",
                schema,
                // The exact host is matched first, and a client's source address on loopback is 127.0.0.1 whichever
                // node it dials; an entry per address keeps the user working however the kernel picks it.
                .. hosts.Select(host => $"CREATE USER '{ApplicationUser}'@'{host}' IDENTIFIED BY '{_applicationPassword}'"),
                // What the cache needs at run time, nothing more: no DDL.
                .. hosts.Select(host => $"GRANT SELECT, INSERT, UPDATE, DELETE ON `{Name}`.* TO '{ApplicationUser}'@'{host}'"),
            ];
            foreach (var statement in statements)
            {
                await using var command = new MySqlCommand(statement, connection);
                await command.ExecuteNonQueryAsync();
            }
        }

        // DDL and grants reach the other nodes in order but each applies them in its own time. A causal read as root
        // waits until a node has applied everything committed before it; then the application user must get in on every node.
        foreach (var node in nodes)
        {
            await using (var admin = new MySqlConnection(node.AdminConnectionString))
            {
                await admin.OpenAsync();
                await using var wait = new MySqlCommand($"SET SESSION {causalReadSetting}; SELECT COUNT(*) FROM `{Name}`.sessions", admin);
                await wait.ExecuteScalarAsync();
            }

            var asApplication = new MySqlConnectionStringBuilder(ConnectionString(node, "setup")) { Pooling = false }.ConnectionString;
            await using var connection = new MySqlConnection(asApplication);
            await connection.OpenAsync();
            await using var command = new MySqlCommand("SELECT COUNT(*) FROM sessions", connection);
            await command.ExecuteScalarAsync();
        }
    }

    private string ConnectionString(string server, string applicationName, MySqlLoadBalance loadBalance) => new MySqlConnectionStringBuilder
    {
        Server = server,
        Port = (uint)nodes[0].SqlPort,
        Database = Name,
        UserID = ApplicationUser,
        Password = _applicationPassword,
        LoadBalance = loadBalance,
        // A host that accepts TCP but never answers (a node frozen rather than dead) must not hold a failover for 15 s.
        ConnectionTimeout = 3,
        // Distinct names give distinct pools, so a session variable one cache sets never reaches another cache's reads.
        ApplicationName = applicationName,
    }.ConnectionString;
}
