using System.Globalization;
using System.Net;
using System.Diagnostics;
using System.Text;
using SessionStore.ClusterTests.Harness;

namespace SessionStore.Etcd.ClusterTests.Harness;

/// <summary>
/// A throwaway three-member etcd cluster on 127.0.0.1: six free ports (client and peer per member), one temporary
/// directory for data and logs, and the faults the tests inject (kill -9 of the leader, a restart, a freeze). Killed and
/// deleted on dispose, when the test host exits (<c>AppDomain.ProcessExit</c>), and by the shared
/// <see cref="ClusterWatchdog"/> when the host is killed.
/// </summary>
internal sealed class EtcdCluster : IAsyncDisposable
{
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(50);

    private readonly string _etcdPath;
    private readonly string _clusterToken;
    private readonly EtcdTimings _timings;
    private readonly Process _watchdog;
    private readonly EventHandler _killOnHostExit;
    private int _disposed;

    private EtcdCluster(string etcdPath, string rootDirectory, IReadOnlyList<EtcdMember> members, EtcdTimings timings)
    {
        _etcdPath = etcdPath;
        RootDirectory = rootDirectory;
        Members = members;
        _timings = timings;
        _clusterToken = "sessionstore-" + Path.GetFileName(rootDirectory);
        _watchdog = ClusterWatchdog.Start(Environment.ProcessId, rootDirectory);
        _killOnHostExit = (_, _) => TearDown();
        AppDomain.CurrentDomain.ProcessExit += _killOnHostExit;
    }

    public string RootDirectory { get; }

    public IReadOnlyList<EtcdMember> Members { get; }

    /// <summary>Every member's client URL, as the cache's <c>Endpoints</c> take them.</summary>
    public IReadOnlyList<string> Endpoints => Members.Select(member => member.ClientUrl).ToList();

    /// <summary>Starts three members and waits until all of them are healthy.</summary>
    public static async Task<EtcdCluster> StartAsync(EtcdTimings timings, Action<string> log, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var (etcd, _) = EtcdPrerequisites.Find();
        var root = Directory.CreateTempSubdirectory("sessionstore-etcd-").FullName;
        await File.WriteAllTextAsync(Path.Combine(root, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), cancellationToken);
        var ports = LoopbackPorts.Pick(IPAddress.Loopback, 6);
        var members = Enumerable.Range(1, 3).Select(number =>
        {
            var directory = Path.Combine(root, "node" + number.ToString(CultureInfo.InvariantCulture));
            Directory.CreateDirectory(directory);
            return new EtcdMember(number, directory, clientPort: ports[(number - 1) * 2], peerPort: ports[((number - 1) * 2) + 1]);
        }).ToList();

        var cluster = new EtcdCluster(etcd, root, members, timings);
        try
        {
            var stopwatch = Stopwatch.StartNew();
            foreach (var member in members)
            {
                cluster.Launch(member);
            }

            await cluster.WaitUntilHealthyAsync(members, timeout, cancellationToken);
            log($"etcd {string.Join(", ", members.Select(member => $"{member.Name} (client {member.ClientPort}, peer {member.PeerPort})"))} healthy after {stopwatch.Elapsed.TotalSeconds:0.0} s; heartbeat {timings.HeartbeatInterval.TotalMilliseconds:0} ms, election timeout {timings.ElectionTimeout.TotalMilliseconds:0} ms.");
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>The member that its own Status reports as leader, once every running member agrees on one.</summary>
    public async Task<EtcdMember> FindLeaderAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        EtcdMember? leader = null;
        await WithinAsync(timeout, "No leader was agreed on", async token =>
        {
            while ((leader = await TryFindLeaderAsync(token)) is null)
            {
                await Task.Delay(s_pollInterval, token);
            }
        }, cancellationToken);
        return leader!;
    }

    /// <summary>A member that follows the current leader.</summary>
    public async Task<EtcdMember> FindFollowerAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var leader = await FindLeaderAsync(timeout, cancellationToken);
        return Members.First(member => member != leader);
    }

    /// <summary>Starts a member again on its existing data directory (after <see cref="EtcdMember.Crash"/>).</summary>
    public void Restart(EtcdMember member) => Launch(member);

    /// <summary>
    /// Waits until each of <paramref name="members"/> is healthy as <c>etcdctl endpoint health</c> defines it: it answers a
    /// linearizable read (which needs a leader and a quorum), and its Status names a leader.
    /// </summary>
    public async Task WaitUntilHealthyAsync(IReadOnlyList<EtcdMember> members, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await WithinAsync(timeout, $"{string.Join(", ", members.Select(member => member.Name))} did not become healthy", async token =>
        {
            foreach (var member in members)
            {
                while (!await IsHealthyAsync(member, token))
                {
                    await Task.Delay(s_pollInterval, token);
                }
            }
        }, cancellationToken);
    }

    /// <summary>Every member's status and the tail of its log, for failure messages.</summary>
    public async Task<string> DescribeAsync(CancellationToken cancellationToken)
    {
        var report = new StringBuilder();
        foreach (var member in Members)
        {
            var state = member.IsFrozen ? "frozen" : member.IsRunning ? "running" : "not running";
            var status = member.IsRunning && !member.IsFrozen ? await member.ReadStatusAsync(cancellationToken) : null;
            report.AppendLine(CultureInfo.InvariantCulture, $"== {member.Name} ({member.ClientUrl}): {state}, {status?.ToString() ?? "no status"}");
            report.AppendLine(member.ReadDiagnostics());
        }

        return report.ToString();
    }

    /// <summary>
    /// Runs <paramref name="action"/> under <paramref name="timeout"/>; when that runs out (and not the caller's token),
    /// throws a <see cref="TimeoutException"/> that says <paramref name="failure"/> and shows every member.
    /// </summary>
    public async Task WithinAsync(TimeSpan timeout, string failure, Func<CancellationToken, Task> action, CancellationToken cancellationToken)
    {
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await action(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{failure} within {timeout.TotalSeconds:0} s.{Environment.NewLine}{await DescribeAsync(CancellationToken.None)}");
        }
    }

    public async ValueTask DisposeAsync() => await Task.Run(TearDown);

    private static async Task<bool> IsHealthyAsync(EtcdMember member, CancellationToken cancellationToken)
    {
        member.ThrowIfExited();
        if (await member.ReadStatusAsync(cancellationToken) is not { LeaderId: not 0 })
        {
            return false;
        }

        try
        {
            // What etcdctl endpoint health does: a linearizable Get of the key "health".
            await member.ReadAsync("health", serializable: false, cancellationToken);
            return true;
        }
        catch (Exception exception) when (EtcdMember.IsUnanswered(exception, cancellationToken))
        {
            return false;
        }
    }

    private async Task<EtcdMember?> TryFindLeaderAsync(CancellationToken cancellationToken)
    {
        var statuses = new List<(EtcdMember Member, MemberStatus Status)>();
        foreach (var member in Members.Where(member => member.IsRunning && !member.IsFrozen))
        {
            if (await member.ReadStatusAsync(cancellationToken) is { } status)
            {
                statuses.Add((member, status));
            }
        }

        var leaders = statuses.Select(each => each.Status.LeaderId).Distinct().ToList();
        if (statuses.Count == 0 || leaders.Count != 1 || leaders[0] == 0)
        {
            return null;
        }

        return statuses.FirstOrDefault(each => each.Status.IsLeader).Member;
    }

    private void Launch(EtcdMember member) => member.Launch(_etcdPath, EtcdMemberArguments.Create(member, Members, _clusterToken, _timings));

    /// <summary>Kills every member, deletes the directory, stops the watchdog. Runs once, from dispose or host exit.</summary>
    private void TearDown()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _killOnHostExit;
        foreach (var member in Members)
        {
            member.Dispose();
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                if (Directory.Exists(RootDirectory))
                {
                    Directory.Delete(RootDirectory, recursive: true);
                }

                break;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException && attempt < 10)
            {
                // A just-killed member can still be flushing its log for a moment.
                Thread.Sleep(200);
            }
        }

        ToolRunner.KillTree(_watchdog);
        _watchdog.Dispose();
    }
}
