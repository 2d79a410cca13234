using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SessionStore.ClusterTests.Harness;

/// <summary>
/// What every throwaway three-node cluster on 127.0.0.1, .2 and .3 shares, whatever replicates between its nodes: one
/// temporary directory for all of it, the nodes' processes, polling their views of the cluster, and the teardown. Killed
/// and deleted on dispose, when the test host exits (<c>AppDomain.ProcessExit</c>), and by a
/// <see cref="ClusterWatchdog"/> when the host is killed.
/// </summary>
internal abstract class LoopbackCluster<TNode> : IAsyncDisposable
    where TNode : ClusterNode
{
    protected static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly int _deleteAttempts;
    private readonly Process _watchdog;
    private readonly EventHandler _killOnHostExit;
    private int _disposed;

    /// <param name="deleteAttempts">How often the teardown tries to delete the directory while a killed node still writes.</param>
    protected LoopbackCluster(string rootDirectory, IReadOnlyList<TNode> nodes, int deleteAttempts)
    {
        RootDirectory = rootDirectory;
        Nodes = nodes;
        _deleteAttempts = deleteAttempts;
        _watchdog = ClusterWatchdog.Start(Environment.ProcessId, rootDirectory);
        _killOnHostExit = (_, _) => TearDown();
        AppDomain.CurrentDomain.ProcessExit += _killOnHostExit;
    }

    public string RootDirectory { get; }

    public IReadOnlyList<TNode> Nodes { get; }

    /// <summary>The SQL port, the same on every node's address.</summary>
    public int SqlPort => Nodes[0].SqlPort;

    /// <summary>Every node's view of the cluster and the tail of its log, for failure messages.</summary>
    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        var report = new StringBuilder();
        foreach (var node in Nodes)
        {
            var view = await DescribeViewAsync(node, cancellationToken);
            report.AppendLine(CultureInfo.InvariantCulture, $"== {node.Name} ({node.Host}): {(node.IsRunning ? "running" : "not running")}, {view}");
            report.AppendLine(node.ReadDiagnostics());
        }

        return report.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await Task.Run(TearDown);
    }

    /// <summary>
    /// A new temporary directory for a cluster, with the host's pid in <c>owner.pid</c>.
    /// </summary>
    protected static async Task<string> CreateRootDirectoryAsync(string prefix, CancellationToken cancellationToken)
    {
        var root = Directory.CreateTempSubdirectory(prefix).FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken);
        return root;
    }

    /// <summary>
    /// Polls until every one of <paramref name="nodes"/> answers <paramref name="read"/> with a view that satisfies
    /// <paramref name="condition"/>; throws at once when a node's process exits.
    /// </summary>
    protected static async Task WaitUntilEveryNodeAsync<TView>(
        IReadOnlyList<TNode> nodes,
        Func<TNode, CancellationToken, Task<TView?>> read,
        Func<TView, bool> condition,
        CancellationToken cancellationToken)
        where TView : class
    {
        while (true)
        {
            var satisfied = true;
            foreach (var node in nodes)
            {
                node.ThrowIfExited();
                if (await read(node, cancellationToken) is not { } view || !condition(view))
                {
                    satisfied = false;
                    break;
                }
            }

            if (satisfied)
            {
                return;
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> under <paramref name="timeout"/>; when that runs out (and not the caller's token),
    /// throws a <see cref="TimeoutException"/> that says <paramref name="failure"/> and shows every node.
    /// </summary>
    protected async Task WithinAsync(TimeSpan timeout, string failure, Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await action(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"{failure} within {timeout.TotalSeconds:0} s.{Environment.NewLine}{await DescribeAsync(CancellationToken.None)}");
        }
    }

    /// <summary>How <paramref name="node"/> sees the cluster, one line, or that it does not answer.</summary>
    protected abstract Task<string> DescribeViewAsync(TNode node, CancellationToken cancellationToken);

    protected static void DeleteDirectory(string path, int attempts)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(path))
                {
                    Directory.Delete(path, recursive: true);
                }

                return;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException && attempt < attempts)
            {
                // A just-killed node (or its rsync) can still be writing a file for a moment.
                Thread.Sleep(200);
            }
        }
    }

    /// <summary>Kills every node, deletes the directory, stops the watchdog. Runs once, from dispose or host exit.</summary>
    private void TearDown()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _killOnHostExit;
        foreach (var node in Nodes)
        {
            node.Stop();
        }

        DeleteDirectory(RootDirectory, _deleteAttempts);
        ToolRunner.KillTree(_watchdog);
        _watchdog.Dispose();
    }
}
