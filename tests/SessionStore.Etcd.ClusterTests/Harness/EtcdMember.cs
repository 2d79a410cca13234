using System.Diagnostics;
using System.Globalization;
using dotnet_etcd;
using Etcdserverpb;
using Grpc.Core;
using SessionStore.ClusterTests.Harness;

namespace SessionStore.Etcd.ClusterTests.Harness;

/// <summary>
/// One etcd member on loopback: its client and peer ports, its directory (data, log, the pid the watchdog reads), the
/// process currently running for it, and a client pointed at it alone, for status and catch-up checks. The process can be
/// crashed (<c>kill -9</c>), frozen (SIGSTOP) and thawed (SIGCONT).
/// </summary>
internal sealed class EtcdMember : IDisposable
{
    private const int DiagnosticLines = 40;

    private static readonly TimeSpan s_probeDeadline = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Lazy<EtcdClient> _client;
    private Process? _process;
    private OutputTail _output = new(DiagnosticLines);
    private bool _frozen;

    public EtcdMember(int number, string directory, int clientPort, int peerPort)
    {
        Number = number;
        Directory = directory;
        ClientPort = clientPort;
        PeerPort = peerPort;
        _client = new Lazy<EtcdClient>(() => new EtcdClient(ClientUrl));
    }

    public int Number { get; }

    /// <summary>node1, node2, node3: the member's <c>--name</c>, and its directory's name, which the watchdog looks for.</summary>
    public string Name => "node" + Number.ToString(CultureInfo.InvariantCulture);

    public string Directory { get; }

    public int ClientPort { get; }

    public int PeerPort { get; }

    public string ClientUrl => "http://127.0.0.1:" + ClientPort.ToString(CultureInfo.InvariantCulture);

    public string PeerUrl => "http://127.0.0.1:" + PeerPort.ToString(CultureInfo.InvariantCulture);

    public string DataDirectory => Path.Combine(Directory, "data");

    public string LogFile => Path.Combine(Directory, "etcd.log");

    /// <summary>Written at each launch: the orphan watchdog kills the pid in it when the test host dies.</summary>
    public string LaunchedPidFile => Path.Combine(Directory, "launched.pid");

    /// <summary>A client on this member's endpoint only.</summary>
    public EtcdClient Client => _client.Value;

    public bool IsRunning
    {
        get
        {
            lock (_gate)
            {
                return _process is { HasExited: false };
            }
        }
    }

    public bool IsFrozen
    {
        get
        {
            lock (_gate)
            {
                return _frozen;
            }
        }
    }

    public void Launch(string etcdPath, IReadOnlyList<string> arguments)
    {
        lock (_gate)
        {
            if (_process is { HasExited: false })
            {
                throw new InvalidOperationException($"{Name} is already running (pid {_process.Id}).");
            }

            _process?.Dispose();
            var output = new OutputTail(DiagnosticLines);
            var process = new Process { StartInfo = ToolRunner.CreateStartInfo(etcdPath, arguments) };
            process.OutputDataReceived += (_, e) => output.Add(e.Data);
            process.ErrorDataReceived += (_, e) => output.Add(e.Data);
            process.Start();
            _process = process;
            _output = output;
            _frozen = false;
            File.WriteAllText(LaunchedPidFile, process.Id.ToString(CultureInfo.InvariantCulture));
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
    }

    /// <summary><c>kill -9</c>: no shutdown, no goodbye to the peers; the write-ahead log is replayed at the next start.</summary>
    public void Crash()
    {
        var process = RunningProcess();
        process.Kill(entireProcessTree: false);
        process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    /// <summary>
    /// SIGSTOP: the process answers nothing, neither peers nor clients, but its sockets stay open, so the peers see
    /// silence rather than a refused connection, as across a partition that drops packets.
    /// </summary>
    public void Freeze()
    {
        var process = RunningProcess();
        ProcessSignals.Stop(process.Id);
        lock (_gate)
        {
            _frozen = true;
        }
    }

    /// <summary>SIGCONT: the process resumes exactly where it stopped, with the state it had.</summary>
    public void Thaw()
    {
        var process = RunningProcess();
        ProcessSignals.Continue(process.Id);
        lock (_gate)
        {
            _frozen = false;
        }
    }

    /// <summary>This member's Status, or null when it does not answer within a second.</summary>
    public async Task<MemberStatus?> ReadStatusAsync(CancellationToken cancellationToken)
    {
        try
        {
            var status = await Client.StatusAsync(new StatusRequest(), deadline: DateTime.UtcNow + s_probeDeadline, cancellationToken: cancellationToken);
            return new MemberStatus(status.Header.MemberId, status.Leader, status.RaftTerm, status.RaftIndex, status.RaftAppliedIndex);
        }
        catch (Exception exception) when (IsUnanswered(exception, cancellationToken))
        {
            return null;
        }
    }

    /// <summary>
    /// <paramref name="key"/> as this member answers it: with <paramref name="serializable"/>, from its own store whatever it
    /// has applied; otherwise linearizable, confirmed with the leader. Null when absent; throws when the member does not
    /// answer within a second.
    /// </summary>
    public async Task<string?> ReadAsync(string key, bool serializable, CancellationToken cancellationToken)
    {
        var request = new RangeRequest { Key = Google.Protobuf.ByteString.CopyFromUtf8(key), Serializable = serializable };
        var response = await Client.GetAsync(request, deadline: DateTime.UtcNow + s_probeDeadline, cancellationToken: cancellationToken);
        return response.Kvs.Count == 0 ? null : response.Kvs[0].Value.ToStringUtf8();
    }

    /// <summary>Kills the process (a frozen one too: SIGKILL needs no cooperation) and waits for it.</summary>
    public void Stop()
    {
        lock (_gate)
        {
            if (_process is null)
            {
                return;
            }

            ToolRunner.KillTree(_process);
            try
            {
                _process.WaitForExit(TimeSpan.FromSeconds(10));
            }
            catch (InvalidOperationException)
            {
                // Never started.
            }

            _process.Dispose();
            _process = null;
            _frozen = false;
        }
    }

    /// <summary>Throws with the member's log when its process has exited, which no wait should sit through.</summary>
    public void ThrowIfExited()
    {
        int exitCode;
        lock (_gate)
        {
            if (_process is not { HasExited: true } exited)
            {
                return;
            }

            exitCode = exited.ExitCode;
        }

        throw new InvalidOperationException($"{Name}'s etcd exited with code {exitCode}.{Environment.NewLine}{ReadDiagnostics()}");
    }

    public string ReadDiagnostics()
    {
        string log;
        try
        {
            using var stream = new FileStream(LogFile, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(DiagnosticLines);
            log = $"Last lines of {LogFile}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            log = $"{LogFile} could not be read: {exception.Message}";
        }

        var output = _output.ToString();
        return output.Length == 0 ? log : $"{log}{Environment.NewLine}Output of {Name}'s etcd:{Environment.NewLine}{output}";
    }

    public void Dispose()
    {
        Stop();
        if (_client.IsValueCreated)
        {
            _client.Value.Dispose();
        }
    }

    /// <summary>
    /// How a call to a member that is down, starting or frozen ends: an <see cref="RpcException"/> (unavailable, deadline
    /// exceeded), or, from the gRPC handler before the call is under way, a cancelled or failed HTTP/2 send.
    /// </summary>
    public static bool IsUnanswered(Exception exception, CancellationToken cancellationToken) =>
        exception is RpcException or HttpRequestException
        || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested);

    private Process RunningProcess()
    {
        lock (_gate)
        {
            return _process is { HasExited: false } running
                ? running
                : throw new InvalidOperationException($"{Name} is not running.");
        }
    }
}
