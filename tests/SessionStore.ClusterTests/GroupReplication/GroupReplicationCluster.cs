using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using MySqlConnector;
using SessionStore.ClusterTests.Harness;

namespace SessionStore.ClusterTests.GroupReplication;

/// <summary>
/// A throwaway three-member MySQL group (group replication in single-primary mode, the engine of InnoDB Cluster) on
/// 127.0.0.1, .2 and .3: the <see cref="LoopbackCluster{TNode}"/> with the group's bootstrap, joins, primary and
/// membership.
/// </summary>
internal sealed class GroupReplicationCluster : LoopbackCluster<GroupReplicationNode>
{
    public const string DirectoryPrefix = "sessionstore-groupreplication-";

    public const int Size = 3;

    private const string RecoveryUser = "recovery";

    private const int DeleteAttempts = 10;

    private readonly string _serverPath;
    private readonly string _groupName = Guid.NewGuid().ToString();
    private readonly string _recoveryPassword = Convert.ToHexString(RandomNumberGenerator.GetBytes(12));

    private GroupReplicationCluster(string serverPath, string rootDirectory, IReadOnlyList<GroupReplicationNode> nodes)
        : base(rootDirectory, nodes, DeleteAttempts)
    {
        _serverPath = serverPath;
    }

    private string InitFile => Path.Combine(RootDirectory, "init.sql");

    /// <summary>
    /// Initialises one datadir and copies it for the other nodes, starts the three servers, bootstraps the group on node1
    /// and lets node2 and node3 join it; returns once all three are ONLINE, node1 the primary.
    /// </summary>
    public static async Task<GroupReplicationCluster> StartAsync(Action<string> log, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var serverPath = await OracleMySqlPrerequisites.FindServerAsync(cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        var root = await CreateRootDirectoryAsync(DirectoryPrefix, cancellationToken);

        List<GroupReplicationNode> nodes;
        try
        {
            var addresses = Enumerable.Range(1, Size).Select(n => IPAddress.Parse($"127.0.0.{n}")).ToList();
            var sqlPort = LoopbackPorts.PickShared(addresses);
            var groupPorts = LoopbackPorts.Pick(IPAddress.Loopback, Size);
            nodes = Enumerable.Range(1, Size)
                .Select(number => new GroupReplicationNode(number, Path.Combine(root, $"node{number}"), sqlPort, groupPorts[number - 1]))
                .ToList();
            foreach (var node in nodes)
            {
                Directory.CreateDirectory(node.Directory);
            }
        }
        catch
        {
            DeleteDirectory(root, DeleteAttempts);
            throw;
        }

        var cluster = new GroupReplicationCluster(serverPath, root, nodes);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var phase = "initialise the datadirs";
        try
        {
            await ToolRunner.RunCheckedAsync(serverPath, GroupReplicationNodeArguments.ForInitialization(nodes[0].DataDirectory), timeoutSource.Token);
            foreach (var node in nodes.Skip(1))
            {
                await ToolRunner.RunCheckedAsync("cp", ["-a", nodes[0].DataDirectory, node.DataDirectory], timeoutSource.Token);
            }

            foreach (var node in nodes)
            {
                File.Delete(Path.Combine(node.DataDirectory, "auto.cnf"));
            }

            await File.WriteAllTextAsync(cluster.InitFile, cluster.InitSql(), timeoutSource.Token);
            log($"Datadirs initialised after {stopwatch.Elapsed.TotalSeconds:0.0} s.");

            phase = "start the three servers";
            foreach (var node in nodes)
            {
                cluster.Launch(node);
            }

            foreach (var node in nodes)
            {
                await WaitUntilAcceptingAsync(node, timeoutSource.Token);
            }

            log($"Three servers accept connections after {stopwatch.Elapsed.TotalSeconds:0.0} s.");

            phase = "bootstrap the group on node1";
            await cluster.StartGroupReplicationAsync(nodes[0], bootstrap: true, timeoutSource.Token);
            log($"node1 bootstrapped the group after {stopwatch.Elapsed.TotalSeconds:0.0} s.");

            phase = "let node2 and node3 join";
            foreach (var node in nodes.Skip(1))
            {
                await cluster.StartGroupReplicationAsync(node, bootstrap: false, timeoutSource.Token);
            }

            await cluster.WaitUntilAllOnlineAsync(timeoutSource.Token);
            log($"Three members ONLINE after {stopwatch.Elapsed.TotalSeconds:0.0} s: SQL on {string.Join(", ", nodes.Select(n => n.Host))} port {nodes[0].SqlPort}, group communication on {string.Join(", ", nodes.Select(n => n.LocalAddress))}, directory {root}.");
            return cluster;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var report = await cluster.DescribeAsync(CancellationToken.None);
            await cluster.DisposeAsync();
            throw new TimeoutException($"The group replication cluster did not {phase} within {timeout.TotalSeconds:0} s.{Environment.NewLine}{report}");
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            var report = await cluster.DescribeAsync(CancellationToken.None);
            await cluster.DisposeAsync();
            throw new InvalidOperationException($"The group replication cluster did not {phase}: {exception.Message}{Environment.NewLine}{report}", exception);
        }
    }

    /// <summary>
    /// Starts a stopped node again as a service would (same options, start_on_boot off) and has it rejoin the group with
    /// START GROUP_REPLICATION; distributed recovery then copies what it missed from a donor's binary log.
    /// </summary>
    /// <returns>How long the server took from the launch to accepting connections (still outside the group then).</returns>
    public async Task<TimeSpan> RestartAsync(GroupReplicationNode node, CancellationToken cancellationToken)
    {
        var stopwatch = Stopwatch.StartNew();
        Launch(node);
        await WaitUntilAcceptingAsync(node, cancellationToken);
        var accepting = stopwatch.Elapsed;
        await StartGroupReplicationAsync(node, bootstrap: false, cancellationToken);
        return accepting;
    }

    /// <summary>
    /// Brings the group back to three ONLINE members with node1 the primary, starting or rejoining any node that is not
    /// (so that one test's failure does not leave the next test a broken group).
    /// </summary>
    public Task EnsureHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        WithinAsync(timeout, "The group was not three ONLINE members with node1 primary", RestoreAsync, cancellationToken);

    /// <summary>Waits until every node sees all three members ONLINE, and one of them the primary.</summary>
    public Task WaitUntilAllOnlineAsync(CancellationToken cancellationToken) =>
        WaitUntilEveryNodeAsync(
            Nodes,
            TryReadMembersAsync,
            members => members.Count(member => member.IsOnline) == Size && members.Count(member => member.IsPrimary) == 1,
            cancellationToken);

    /// <summary>The node the group has as its primary, as the first node that answers sees it.</summary>
    public async Task<GroupReplicationNode> PrimaryAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            foreach (var node in Nodes.Where(node => node.IsRunning))
            {
                if (await TryReadMembersAsync(node, cancellationToken) is { } members
                    && members.SingleOrDefault(member => member.IsPrimary) is { } primary)
                {
                    return Nodes.Single(candidate => candidate.Host == primary.Host);
                }
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>performance_schema.replication_group_members as <paramref name="node"/> sees it, or null while it does not answer.</summary>
    public async Task<IReadOnlyList<GroupMember>?> TryReadMembersAsync(GroupReplicationNode node, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new MySqlConnection(node.AdminConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new MySqlCommand(
                "SELECT MEMBER_HOST, MEMBER_STATE, MEMBER_ROLE, MEMBER_ID FROM performance_schema.replication_group_members", connection);
            var members = new List<GroupMember>();
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                members.Add(new GroupMember(
                    reader.IsDBNull(0) ? string.Empty : reader.GetString(0),
                    reader.IsDBNull(1) ? string.Empty : reader.GetString(1),
                    reader.IsDBNull(2) ? string.Empty : reader.GetString(2),
                    // MEMBER_ID is CHAR(36), which MySqlConnector reads as a Guid.
                    reader.IsDBNull(3) ? string.Empty : Convert.ToString(reader.GetValue(3), CultureInfo.InvariantCulture) ?? string.Empty));
            }

            return members;
        }
        catch (MySqlException)
        {
            return null;
        }
    }

    /// <summary>The members as the node sees them, or that it does not answer.</summary>
    protected override async Task<string> DescribeViewAsync(GroupReplicationNode node, CancellationToken cancellationToken)
    {
        var members = node.IsRunning ? await TryReadMembersAsync(node, cancellationToken) : null;
        return $"members: {(members is null ? "no answer" : string.Join("; ", members))}";
    }

    private async Task RestoreAsync(CancellationToken cancellationToken)
    {
        foreach (var node in Nodes)
        {
            if (!node.IsRunning)
            {
                await RestartAsync(node, cancellationToken);
            }
            else if ((await TryReadMembersAsync(node, cancellationToken))?.Any(member => member.Host == node.Host && member.State is "ONLINE" or "RECOVERING") != true)
            {
                await ExecuteAsync(node, "STOP GROUP_REPLICATION", cancellationToken);
                await StartGroupReplicationAsync(node, bootstrap: false, cancellationToken);
            }
        }

        await WaitUntilAllOnlineAsync(cancellationToken);
        var primary = await PrimaryAsync(cancellationToken);
        if (primary != Nodes[0])
        {
            var uuid = (await TryReadMembersAsync(Nodes[0], cancellationToken))!.Single(member => member.Host == Nodes[0].Host).Uuid;
            await ExecuteAsync(primary, $"SELECT group_replication_set_as_primary('{uuid}')", cancellationToken);
            await WaitUntilAllOnlineAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Run by mysqld at every start, before it accepts clients, and kept out of the binary log: a transaction a member
    /// has and the group does not (an "errant" GTID) stops it from joining. super_read_only is lifted for the moment.
    /// With --skip-name-resolve a TCP client only matches accounts for its address, and --initialize-insecure made only
    /// root@localhost. The recovery user is what a joining member's donor connection logs in as.
    /// </summary>
    private string InitSql() => $"""
        SET GLOBAL super_read_only = OFF;
        SET SQL_LOG_BIN = 0;
        CREATE USER IF NOT EXISTS 'root'@'127.0.0.%';
        GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.%' WITH GRANT OPTION;
        CREATE USER IF NOT EXISTS '{RecoveryUser}'@'127.0.0.%' IDENTIFIED BY '{_recoveryPassword}';
        GRANT REPLICATION SLAVE, BACKUP_ADMIN, CONNECTION_ADMIN, GROUP_REPLICATION_STREAM ON *.* TO '{RecoveryUser}'@'127.0.0.%';
        SET SQL_LOG_BIN = 1;
        SET GLOBAL super_read_only = ON;
        """;

    private void Launch(GroupReplicationNode node) =>
        node.Launch(_serverPath, GroupReplicationNodeArguments.For(node, Nodes, _groupName, InitFile));

    private async Task StartGroupReplicationAsync(GroupReplicationNode node, bool bootstrap, CancellationToken cancellationToken)
    {
        // USER/PASSWORD here rather than CHANGE REPLICATION SOURCE ... FOR CHANNEL 'group_replication_recovery': they are
        // not stored in the datadir, and every start in this harness passes them anyway.
        var start = $"START GROUP_REPLICATION USER='{RecoveryUser}', PASSWORD='{_recoveryPassword}'";
        await ExecuteAsync(node,
            bootstrap
                ? $"SET GLOBAL group_replication_bootstrap_group = ON; {start}; SET GLOBAL group_replication_bootstrap_group = OFF"
                : start,
            cancellationToken);
    }

    private static async Task ExecuteAsync(GroupReplicationNode node, string sql, CancellationToken cancellationToken)
    {
        await using var connection = new MySqlConnection(node.AdminConnectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new MySqlCommand(sql, connection) { CommandTimeout = 60 };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task WaitUntilAcceptingAsync(GroupReplicationNode node, CancellationToken cancellationToken)
    {
        while (true)
        {
            node.ThrowIfExited();
            try
            {
                await using var connection = new MySqlConnection(node.AdminConnectionString);
                await connection.OpenAsync(cancellationToken);
                return;
            }
            catch (MySqlException)
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
    }
}
