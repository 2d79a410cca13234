using System.Diagnostics;
using System.Globalization;
using SessionStore.ClusterTests.Galera;

namespace SessionStore.ClusterTests.GroupReplication;

/// <summary>
/// One member of the loopback group: its own SQL address (127.0.0.N), its group communication port, its directory, and
/// the mysqld process currently running for it, if any.
/// </summary>
internal sealed class GroupReplicationNode(int number, string directory, int sqlPort, int groupPort)
{
    private const int DiagnosticLines = 40;

    private readonly Lock _gate = new();
    private Process? _process;
    private OutputTail _output = new(DiagnosticLines);

    public int Number { get; } = number;

    public string Name => "node" + Number.ToString(CultureInfo.InvariantCulture);

    /// <summary>127.0.0.N, where SQL listens and which the member reports to the group (report_host).</summary>
    public string Host => "127.0.0." + Number.ToString(CultureInfo.InvariantCulture);

    public int SqlPort { get; } = sqlPort;

    /// <summary>
    /// group_replication_local_address is 127.0.0.1:GroupPort on every node: the group communication layer only accepts
    /// an address that an interface carries, and the loopback interface carries 127.0.0.1 alone (127.0.0.2 fails with
    /// "There is no local IP address matching the one configured for the local node").
    /// </summary>
    public int GroupPort { get; } = groupPort;

    public string LocalAddress => "127.0.0.1:" + GroupPort.ToString(CultureInfo.InvariantCulture);

    public string Directory { get; } = directory;

    public string DataDirectory => Path.Combine(Directory, "data");

    public string ErrorLog => Path.Combine(Directory, "error.log");

    public string SocketPath => Path.Combine(Directory, "mysqld.sock");

    public string PidFile => Path.Combine(Directory, "mysqld.pid");

    /// <summary>Written by the harness the moment the process starts: the orphan watchdog reads it.</summary>
    public string LaunchedPidFile => Path.Combine(Directory, "launched.pid");

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

    /// <summary>Starts mysqld with <paramref name="arguments"/>; the node must not be running.</summary>
    public void Launch(string serverPath, IReadOnlyList<string> arguments)
    {
        lock (_gate)
        {
            if (_process is { HasExited: false })
            {
                throw new InvalidOperationException($"{Name} is already running (pid {_process.Id}).");
            }

            _process?.Dispose();
            var output = new OutputTail(DiagnosticLines);
            var process = new Process { StartInfo = ToolRunner.CreateStartInfo(serverPath, arguments) };
            process.OutputDataReceived += (_, e) => output.Add(e.Data);
            process.ErrorDataReceived += (_, e) => output.Add(e.Data);
            process.Start();
            _process = process;
            _output = output;
            File.WriteAllText(LaunchedPidFile, process.Id.ToString(CultureInfo.InvariantCulture));
            process.StandardInput.Close();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
        }
    }

    /// <summary>
    /// <c>kill -9</c> of the server, as a crash: the wrapper script execs mysqld, so the process is mysqld itself.
    /// </summary>
    public void Crash()
    {
        Process process;
        lock (_gate)
        {
            process = _process ?? throw new InvalidOperationException($"{Name} was never started.");
        }

        process.Kill(entireProcessTree: false);
        process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    /// <summary>Kills the server and waits for it.</summary>
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
        }
    }

    /// <summary>Throws with the node's log when its process has exited, which no wait should sit through.</summary>
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

        throw new InvalidOperationException($"{Name}'s mysqld exited with code {exitCode}.{Environment.NewLine}{ReadDiagnostics()}");
    }

    public string ReadDiagnostics()
    {
        string log;
        try
        {
            using var stream = new FileStream(ErrorLog, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(DiagnosticLines);
            log = $"Last lines of {ErrorLog}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            log = $"{ErrorLog} could not be read: {exception.Message}";
        }

        var output = _output.ToString();
        return output.Length == 0 ? log : $"{log}{Environment.NewLine}Output of {Name}'s mysqld:{Environment.NewLine}{output}";
    }
}
