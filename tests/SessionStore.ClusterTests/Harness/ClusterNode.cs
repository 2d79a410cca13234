using System.Diagnostics;
using System.Globalization;
using MySqlConnector;

namespace SessionStore.ClusterTests.Harness;

/// <summary>
/// One node of a loopback cluster: its own address (127.0.0.N), SQL port and directory, and the server process currently
/// running for it, if any. What a node adds for its replication (ports, recovery files) lives in the derived type.
/// </summary>
internal abstract class ClusterNode
{
    private const int DiagnosticLines = 40;

    private readonly Lock _gate = new();
    private readonly string _serverName;
    private Process? _process;
    private OutputTail _output = new(DiagnosticLines);

    /// <param name="serverName">The server program (mariadbd, mysqld), as failure messages name it.</param>
    protected ClusterNode(int number, string directory, int sqlPort, string serverName)
    {
        Number = number;
        Directory = directory;
        SqlPort = sqlPort;
        _serverName = serverName;
    }

    public int Number { get; }

    public string Name => "node" + Number.ToString(CultureInfo.InvariantCulture);

    /// <summary>127.0.0.N, where SQL listens: nodes share the SQL port, never a socket.</summary>
    public string Host => "127.0.0." + Number.ToString(CultureInfo.InvariantCulture);

    public int SqlPort { get; }

    public string Directory { get; }

    public string DataDirectory => Path.Combine(Directory, "data");

    public string ErrorLog => Path.Combine(Directory, "error.log");

    public string SocketPath => Path.Combine(Directory, "mysqld.sock");

    /// <summary>The server's own pid file.</summary>
    public string PidFile => Path.Combine(Directory, "mysqld.pid");

    /// <summary>
    /// Written by the harness the moment the process starts (the server writes <see cref="PidFile"/> only later, after a
    /// state transfer for instance): the orphan watchdog reads it.
    /// </summary>
    public string LaunchedPidFile => Path.Combine(Directory, "launched.pid");

    /// <summary>Password-less root over TCP to this node, unpooled: for setup and status, never for the code under test.</summary>
    public string AdminConnectionString => new MySqlConnectionStringBuilder
    {
        Server = Host,
        Port = (uint)SqlPort,
        UserID = "root",
        Pooling = false,
        ConnectionTimeout = 3,
    }.ConnectionString;

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

    /// <summary>Starts the server with <paramref name="arguments"/>; the node must not be running.</summary>
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
    /// <c>kill -9</c> of the server process alone, as a crash or a pulled plug: no shutdown, InnoDB recovers at the next
    /// start. (The group replication wrapper script execs mysqld, so the process is mysqld itself.)
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

    /// <summary>Kills the server and whatever it started (a state-transfer script, rsync) and waits for it.</summary>
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

        throw new InvalidOperationException($"{Name}'s {_serverName} exited with code {exitCode}.{Environment.NewLine}{ReadDiagnostics()}");
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
        return output.Length == 0 ? log : $"{log}{Environment.NewLine}Output of {Name}'s {_serverName}:{Environment.NewLine}{output}";
    }
}
