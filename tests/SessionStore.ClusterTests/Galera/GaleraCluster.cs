using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using SessionStore.ClusterTests.Harness;

namespace SessionStore.ClusterTests.Galera;

/// <summary>
/// A throwaway three-node MariaDB Galera cluster on 127.0.0.1, .2 and .3: the <see cref="LoopbackCluster{TNode}"/> with
/// Galera's bootstrap, state transfers, restart from a recovered position, and wsrep status.
/// </summary>
internal sealed class GaleraCluster : LoopbackCluster<GaleraNode>
{
    public const string DirectoryPrefix = "sessionstore-galera-";

    public const int Size = 3;

    private const int DeleteAttempts = 5;

    private readonly GaleraBinaries _binaries;
    private readonly string _clusterName;

    private GaleraCluster(GaleraBinaries binaries, string rootDirectory, IReadOnlyList<GaleraNode> nodes)
        : base(rootDirectory, nodes, DeleteAttempts)
    {
        _binaries = binaries;
        _clusterName = "sessionstore-" + Guid.NewGuid().ToString("N")[..12];
    }

    /// <summary>
    /// Creates the directories, initialises node 1's datadir, bootstraps node 1 and lets nodes 2 and 3 join it by rsync
    /// state transfer; returns once all three are Synced members of one primary component of three.
    /// </summary>
    public static async Task<GaleraCluster> StartAsync(Action<string> log, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var binaries = await GaleraPrerequisites.FindAsync(cancellationToken);
        var stopwatch = Stopwatch.StartNew();
        var root = await CreateRootDirectoryAsync(DirectoryPrefix, cancellationToken);

        // The nodes may run as another user (mysql), who must be able to reach their directories.
        File.SetUnixFileMode(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);

        List<GaleraNode> nodes;
        int sqlPort;
        try
        {
            var addresses = Enumerable.Range(1, Size).Select(n => System.Net.IPAddress.Parse($"127.0.0.{n}")).ToList();
            sqlPort = LoopbackPorts.PickShared(addresses);
            nodes = addresses.Select((address, index) =>
            {
                var number = index + 1;
                var ports = LoopbackPorts.Pick(address, 3);
                var node = new GaleraNode(number, Path.Combine(root, $"node{number}"), sqlPort, ports[0], ports[1], ports[2]);
                Directory.CreateDirectory(node.DataDirectory);
                return node;
            }).ToList();
        }
        catch
        {
            DeleteDirectory(root, DeleteAttempts);
            throw;
        }

        var cluster = new GaleraCluster(binaries, root, nodes);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var phase = "prepare the directories";
        try
        {
            if (binaries.RunAsUser is { } user)
            {
                await ToolRunner.RunCheckedAsync("chown", ["-R", $"{user}:{user}", .. nodes.Select(node => node.Directory)], timeoutSource.Token);
            }

            phase = "initialise node1's datadir";
            List<string> install =
            [
                "--no-defaults",
                $"--datadir={nodes[0].DataDirectory}",
                // 'normal' gives root an empty password over TCP; the default 'socket' only lets the OS root in.
                "--auth-root-authentication-method=normal",
                "--skip-test-db",
            ];
            if (binaries.RunAsUser is { } installUser)
            {
                install.Add($"--user={installUser}");
            }

            await ToolRunner.RunCheckedAsync(binaries.InstallDbPath, install, timeoutSource.Token);
            log($"node1's datadir initialised after {stopwatch.Elapsed.TotalSeconds:0.0} s.");

            phase = "bootstrap node1";
            cluster.Launch(nodes[0], bootstrap: true);
            await cluster.WaitUntilAsync([nodes[0]], status => status is { Ready: true, ClusterStatus: "Primary" }, timeoutSource.Token);
            log($"node1 bootstrapped a new cluster after {stopwatch.Elapsed.TotalSeconds:0.0} s.");

            // Both join at once: the second waits for a free donor by itself (Galera retries every second).
            phase = "let node2 and node3 join by rsync state transfer";
            cluster.Launch(nodes[1], bootstrap: false);
            cluster.Launch(nodes[2], bootstrap: false);
            await cluster.WaitUntilAsync(nodes, status => status.IsSyncedMemberOf(Size), timeoutSource.Token);
            log($"Three nodes Synced after {stopwatch.Elapsed.TotalSeconds:0.0} s: SQL on {string.Join(", ", nodes.Select(n => n.Host))} port {sqlPort}, directory {root}.");
            return cluster;
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var report = await cluster.DescribeAsync(CancellationToken.None);
            await cluster.DisposeAsync();
            throw new TimeoutException($"The Galera cluster did not {phase} within {timeout.TotalSeconds:0} s.{Environment.NewLine}{report}");
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// Starts a stopped node again the way Debian's service does (galera_recovery): first <c>mariadbd --wsrep-recover</c>
    /// reads the last committed position from InnoDB, then the node starts from it. After a <c>kill -9</c> grastate.dat
    /// says seqno -1, and a node started without the recovered position asks for a full state transfer (a copy of the
    /// whole datadir) instead of the few write sets it missed (IST from a donor's gcache).
    /// </summary>
    /// <returns>The position the node restarts from, or null when none could be recovered (it then gets a full SST).</returns>
    public async Task<string?> RestartAsync(GaleraNode node, CancellationToken cancellationToken)
    {
        var arguments = GaleraNodeArguments.For(_binaries, node, Nodes, _clusterName, bootstrap: false);
        var position = await RecoverPositionAsync(node, arguments, cancellationToken);
        if (position is not null)
        {
            arguments.Add($"--wsrep-start-position={position}");
        }

        node.Launch(_binaries.ServerPath, arguments);
        return position;
    }

    /// <summary>
    /// Waits until every node is a Synced member of a primary component of three, starting any node that is not running
    /// (so that one test's failure does not leave the next test a broken cluster).
    /// </summary>
    public async Task EnsureHealthyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        foreach (var node in Nodes.Where(node => !node.IsRunning))
        {
            await RestartAsync(node, cancellationToken);
        }

        await WaitUntilSyncedAsync(timeout, cancellationToken);
    }

    /// <summary>
    /// Waits until every node is a Synced member of a primary component of three; throws with every node's status and log
    /// when that takes longer than <paramref name="timeout"/>, or at once when a node's process exits.
    /// </summary>
    public Task WaitUntilSyncedAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        WithinAsync(
            timeout,
            "The cluster was not three Synced nodes",
            token => WaitUntilAsync(Nodes, status => status.IsSyncedMemberOf(Size), token),
            cancellationToken);

    /// <summary>Polls until every one of <paramref name="nodes"/> reports a status that satisfies <paramref name="condition"/>.</summary>
    public Task WaitUntilAsync(IReadOnlyList<GaleraNode> nodes, Func<NodeStatus, bool> condition, CancellationToken cancellationToken) =>
        WaitUntilEveryNodeAsync(nodes, TryReadStatusAsync, condition, cancellationToken);

    /// <summary>The node's wsrep status, or null while it does not answer (down, or not yet accepting connections).</summary>
    public async Task<NodeStatus?> TryReadStatusAsync(GaleraNode node, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new MySqlConnection(node.AdminConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new MySqlCommand(
                "SHOW GLOBAL STATUS WHERE Variable_name IN ('wsrep_ready', 'wsrep_cluster_size', 'wsrep_local_state_comment', 'wsrep_cluster_status')",
                connection);
            var values = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    values[reader.GetString(0)] = reader.GetString(1);
                }
            }

            return new NodeStatus(
                values.GetValueOrDefault("wsrep_ready") == "ON",
                int.TryParse(values.GetValueOrDefault("wsrep_cluster_size"), NumberStyles.None, CultureInfo.InvariantCulture, out var size) ? size : 0,
                values.GetValueOrDefault("wsrep_local_state_comment") ?? "?",
                values.GetValueOrDefault("wsrep_cluster_status") ?? "?");
        }
        catch (MySqlException)
        {
            return null;
        }
    }

    /// <summary>The node's wsrep status, or that it does not answer.</summary>
    protected override async Task<string> DescribeViewAsync(GaleraNode node, CancellationToken cancellationToken)
    {
        var status = node.IsRunning ? await TryReadStatusAsync(node, cancellationToken) : null;
        return status?.ToString() ?? "no answer";
    }

    private async Task<string?> RecoverPositionAsync(GaleraNode node, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        const string marker = "WSREP: Recovered position:";
        File.Delete(node.RecoveryLog);

        // The last --log-error wins, so the recovery run writes its own file.
        var (exitCode, output) = await ToolRunner.RunAsync(
            _binaries.ServerPath, [.. arguments, $"--log-error={node.RecoveryLog}", "--wsrep-recover"], cancellationToken);
        var log = File.Exists(node.RecoveryLog) ? await File.ReadAllLinesAsync(node.RecoveryLog, cancellationToken) : [];
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"mariadbd --wsrep-recover for {node.Name} failed with exit code {exitCode}:{Environment.NewLine}{output}{Environment.NewLine}{string.Join(Environment.NewLine, log.TakeLast(30))}");
        }

        var line = log.LastOrDefault(line => line.Contains(marker, StringComparison.Ordinal));
        return line?[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Trim();
    }

    private void Launch(GaleraNode node, bool bootstrap) =>
        node.Launch(_binaries.ServerPath, GaleraNodeArguments.For(_binaries, node, Nodes, _clusterName, bootstrap));
}
