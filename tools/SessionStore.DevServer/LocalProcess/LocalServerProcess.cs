using System.Diagnostics;
using System.Globalization;
using MySqlConnector;
using SessionStore.DevServer.Internal;

namespace SessionStore.DevServer.LocalProcess;

/// <summary>
/// A throwaway server process with its own temporary directory. Killed and deleted on dispose, when the host process
/// exits (<c>AppDomain.ProcessExit</c>), and by an <see cref="OrphanWatchdog"/> when the host is killed, so no server
/// outlives the tests that started it.
/// </summary>
internal sealed class LocalServerProcess : IAsyncDisposable
{
    private const int PortAttempts = 3;

    private const int DiagnosticLines = 30;

    // A fresh MariaDB data directory accepts connections about 0.35 s after launch here; 50 ms polls add little.
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(10);

    private readonly EventHandler _killOnHostExit;
    private readonly bool _runAsRoot;

    // Replaced by RestartAsync after KillAsync; the host-exit handler and the disposal always act on the current process.
    private Process _process;
    private Process? _watchdog;
    private OutputTail _output;
    private int _stopped;
    private int _disposed;

    private LocalServerProcess(ServerBinary binary, LocalServerLayout layout, int port, bool runAsRoot, Process process, OutputTail output)
    {
        Binary = binary;
        Layout = layout;
        Port = port;
        ProcessId = process.Id;
        _runAsRoot = runAsRoot;
        _process = process;
        _output = output;
        _watchdog = OperatingSystem.IsWindows() ? null : OrphanWatchdog.Start(Environment.ProcessId, ProcessId, layout.RootDirectory);
        _killOnHostExit = (_, _) => KillOnHostExit();
        AppDomain.CurrentDomain.ProcessExit += _killOnHostExit;
    }

    public ServerBinary Binary { get; }

    public LocalServerLayout Layout { get; }

    public int Port { get; }

    public int ProcessId { get; private set; }

    /// <summary>
    /// Password-less root over TCP on loopback, no database, pooling left to the caller.
    /// </summary>
    public string ConnectionString => new MySqlConnectionStringBuilder
    {
        Server = "127.0.0.1",
        Port = (uint)Port,
        UserID = "root",
    }.ConnectionString;

    public string Location => $"local process {Binary.ServerPath}, 127.0.0.1:{Port.ToString(CultureInfo.InvariantCulture)}, datadir {Layout.DataDirectory}";

    /// <summary>
    /// Initialises a data directory and starts a server on a free loopback port, retrying with another port when
    /// one is taken between picking and binding it.
    /// </summary>
    /// <param name="binary">The server to run.</param>
    /// <param name="timeout">Bounds initialisation and start together.</param>
    /// <param name="log">Receives progress lines.</param>
    /// <param name="cancellationToken">Cancels the start; what was started is cleaned up.</param>
    /// <param name="pickPort">Chooses the port of each attempt; a seam for tests.</param>
    public static async Task<LocalServerProcess> StartAsync(
        ServerBinary binary,
        TimeSpan timeout,
        Action<string> log,
        CancellationToken cancellationToken,
        Func<int>? pickPort = null)
    {
        pickPort ??= FreeTcpPort.Pick;
        StaleServerSweeper.Sweep(log);

        var layout = new LocalServerLayout(Directory.CreateTempSubdirectory(LocalServerLayout.DirectoryPrefix).FullName);

        // Both servers refuse to run as root without --user=root.
        var runAsRoot = Environment.IsPrivilegedProcess;
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        var stopwatch = Stopwatch.StartNew();
        var phase = "initialise its data directory";
        LocalServerProcess? server = null;
        try
        {
            Directory.CreateDirectory(layout.TempDirectory);
            await File.WriteAllTextAsync(layout.OwnerFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), timeoutSource.Token).ConfigureAwait(false);
            await File.WriteAllTextAsync(layout.InitFile, LocalServerArguments.InitSql, timeoutSource.Token).ConfigureAwait(false);
            log($"Initialising a data directory for {binary.VersionText} in {layout.DataDirectory}.");
            await InitializeAsync(binary, layout, runAsRoot, timeoutSource.Token).ConfigureAwait(false);
            log($"Data directory initialised after {stopwatch.Elapsed.TotalSeconds:0.00} s.");

            phase = "accept connections";
            for (var attempt = 1; ; attempt++)
            {
                var port = pickPort();
                server = Launch(binary, layout, port, runAsRoot);
                if (await server.WaitUntilReadyAsync(timeoutSource.Token).ConfigureAwait(false))
                {
                    log($"{binary.ServerPath} accepted connections on 127.0.0.1:{port} after {stopwatch.Elapsed.TotalSeconds:0.00} s in all.");
                    return server;
                }

                var diagnostics = server.ReadDiagnostics();
                await server.StopProcessAsync().ConfigureAwait(false);
                server = null;
                if (attempt == PortAttempts)
                {
                    throw new InvalidOperationException(
                        $"{binary.ServerPath} could not bind a free port in {PortAttempts} attempts; the last was {port}.{Environment.NewLine}{diagnostics}");
                }

                log($"Port {port} was taken before {binary.ServerPath} could bind it; trying another.");
                File.Delete(layout.ErrorLog);
            }
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var diagnostics = server?.ReadDiagnostics() ?? ReadErrorLogTail(layout.ErrorLog);
            await CleanUpAsync(server, layout).ConfigureAwait(false);
            throw new TimeoutException(
                $"{binary.ServerPath} did not {phase} within {timeout.TotalSeconds:0.#} s "
                + $"({nameof(MySqlDevServerOptions)}.{nameof(MySqlDevServerOptions.StartTimeout)}); {layout.RootDirectory} was deleted."
                + $"{Environment.NewLine}{diagnostics}");
        }
        catch
        {
            await CleanUpAsync(server, layout).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Kills the server with SIGKILL, as a crash would, and keeps its data directory, so that <see cref="RestartAsync"/> can
    /// start it again. A seam for fault tests: what a client sees when its server dies, and what InnoDB recovers.
    /// </summary>
    public async Task KillAsync()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) != 0, this);
        ProcessRunner.Kill(_process);
        using var timeout = new CancellationTokenSource(s_stopTimeout);
        await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
    }

    /// <summary>
    /// Starts the server again after <see cref="KillAsync"/>, on the same port and data directory (InnoDB runs its crash
    /// recovery), and waits until it accepts connections.
    /// </summary>
    /// <param name="timeout">Bounds the start, crash recovery included.</param>
    /// <param name="cancellationToken">Cancels the wait; the process started is left for disposal to stop.</param>
    public async Task RestartAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _stopped) != 0, this);
        if (!_process.HasExited)
        {
            throw new InvalidOperationException($"The server (process {ProcessId}) is still running; call {nameof(KillAsync)} first.");
        }

        // The old watchdog exits by itself once its server is gone; the new process gets one of its own.
        if (_watchdog is not null)
        {
            ProcessRunner.Kill(_watchdog);
            _watchdog.Dispose();
        }

        _process.Dispose();
        (_process, _output) = StartProcess(Binary, Layout, Port, _runAsRoot);
        ProcessId = _process.Id;
        _watchdog = OperatingSystem.IsWindows() ? null : OrphanWatchdog.Start(Environment.ProcessId, ProcessId, Layout.RootDirectory);
        BeginReading(_process);

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            if (!await WaitUntilReadyAsync(timeoutSource.Token).ConfigureAwait(false))
            {
                throw new InvalidOperationException(
                    $"{Binary.ServerPath} could not bind port {Port} again after a restart.{Environment.NewLine}{ReadDiagnostics()}");
            }
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException(
                $"{Binary.ServerPath} did not accept connections within {timeout.TotalSeconds:0.#} s of a restart.{Environment.NewLine}{ReadDiagnostics()}");
        }
    }

    /// <summary>
    /// Kills the server and deletes its directory.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopProcessAsync().ConfigureAwait(false);
        DeleteDirectory(Layout.RootDirectory, throwOnFailure: true);
    }

    private static async Task InitializeAsync(ServerBinary binary, LocalServerLayout layout, bool runAsRoot, CancellationToken cancellationToken)
    {
        var (fileName, arguments) = LocalServerArguments.ForInitialization(binary, layout, runAsRoot);
        var (exitCode, output) = await ProcessRunner.RunAsync(fileName, arguments, cancellationToken).ConfigureAwait(false);
        if (exitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with exit code {exitCode}:{Environment.NewLine}{output}");
        }
    }

    private static LocalServerProcess Launch(ServerBinary binary, LocalServerLayout layout, int port, bool runAsRoot)
    {
        var (process, output) = StartProcess(binary, layout, port, runAsRoot);
        LocalServerProcess server;
        try
        {
            // Watched and registered for host exit before anything else can fail.
            server = new LocalServerProcess(binary, layout, port, runAsRoot, process, output);
        }
        catch
        {
            ProcessRunner.Kill(process);
            process.Dispose();
            throw;
        }

        BeginReading(process);
        return server;
    }

    private static (Process Process, OutputTail Output) StartProcess(ServerBinary binary, LocalServerLayout layout, int port, bool runAsRoot)
    {
        var output = new OutputTail(DiagnosticLines);
        var process = new Process
        {
            StartInfo = ProcessRunner.CreateStartInfo(binary.ServerPath, LocalServerArguments.ForServer(binary, layout, port, runAsRoot)),
        };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        try
        {
            process.Start();
        }
        catch
        {
            process.Dispose();
            throw;
        }

        return (process, output);
    }

    private static void BeginReading(Process process)
    {
        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
    }

    /// <summary>
    /// Polls until the server answers as itself (true), or it exits because the port was taken (false).
    /// Throws when it exits for any other reason.
    /// </summary>
    private async Task<bool> WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var probe = new MySqlConnectionStringBuilder(ConnectionString) { Pooling = false, ConnectionTimeout = 5 }.ConnectionString;
        var exited = _process.WaitForExitAsync(cancellationToken);
        while (true)
        {
            // Whatever squats on a clashing port may accept the TCP connection and never send a handshake: stop
            // waiting for it the moment our server exits.
            var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var query = TryQueryDataDirectoryAsync(probe, attempt.Token);
            if (await Task.WhenAny(query, exited).ConfigureAwait(false) == exited)
            {
                // MySqlConnector does not notice cancellation while it waits for a handshake; the abandoned attempt
                // ends by its own ConnectionTimeout, closes its connection and returns null, so nothing is lost.
                await attempt.CancelAsync().ConfigureAwait(false);
                _ = query.ContinueWith(_ => attempt.Dispose(), CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
                break;
            }

            attempt.Dispose();
            if (await query.ConfigureAwait(false) is { } dataDirectory)
            {
                // Another server that took the port after we picked it must not be mistaken for ours.
                return string.Equals(
                    Path.TrimEndingDirectorySeparator(dataDirectory),
                    Path.TrimEndingDirectorySeparator(Layout.DataDirectory),
                    StringComparison.Ordinal);
            }

            await Task.WhenAny(exited, Task.Delay(s_pollInterval, cancellationToken)).ConfigureAwait(false);
            cancellationToken.ThrowIfCancellationRequested();
        }

        // Throws when the start was cancelled or timed out rather than the process exiting.
        await exited.ConfigureAwait(false);
        var diagnostics = ReadDiagnostics();
        if (IsPortClash(diagnostics))
        {
            return false;
        }

        throw new InvalidOperationException(
            $"{Binary.ServerPath} exited with code {_process.ExitCode} before accepting connections on 127.0.0.1:{Port}.{Environment.NewLine}{diagnostics}");
    }

    private static async Task<string?> TryQueryDataDirectoryAsync(string connectionString, CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(connectionString);
        await using (connection.ConfigureAwait(false))
        {
            try
            {
                await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
                var command = new MySqlCommand("SELECT @@datadir", connection);
                await using (command.ConfigureAwait(false))
                {
                    return (string?)await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            catch (MySqlException)
            {
                // Not listening yet, or still running the init file.
                return null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return null;
            }
        }
    }

    // A child's log has no error codes to match. MariaDB and MySQL both log
    // "Can't start server: Bind on TCP/IP port" followed by the OS error (EADDRINUSE).
    private static bool IsPortClash(string diagnostics) =>
        diagnostics.Contains("Bind on TCP/IP port", StringComparison.Ordinal)
        || diagnostics.Contains("Address already in use", StringComparison.Ordinal);

    private string ReadDiagnostics()
    {
        var output = _output.ToString();
        var log = ReadErrorLogTail(Layout.ErrorLog);
        return output.Length == 0 ? log : $"{log}{Environment.NewLine}Output of {Binary.ServerPath}:{Environment.NewLine}{output}";
    }

    private static string ReadErrorLogTail(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            using var reader = new StreamReader(stream);
            var lines = reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries).TakeLast(DiagnosticLines);
            return $"Last lines of {path}:{Environment.NewLine}{string.Join(Environment.NewLine, lines)}";
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            return $"{path} could not be read: {exception.Message}";
        }
    }

    private async Task StopProcessAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _killOnHostExit;

        // SIGKILL rather than a clean shutdown: the data is deleted next, so InnoDB's shutdown work is wasted time.
        ProcessRunner.Kill(_process);
        using var timeout = new CancellationTokenSource(s_stopTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // A process that survives SIGKILL for 10 s is stuck in the kernel; nothing more can be done from here.
        }

        _process.Dispose();

        // Its server is gone and we delete the directory ourselves.
        if (_watchdog is not null)
        {
            ProcessRunner.Kill(_watchdog);
            _watchdog.Dispose();
        }
    }

    private void KillOnHostExit()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        ProcessRunner.Kill(_process);
        try
        {
            _process.WaitForExit(TimeSpan.FromSeconds(2));
        }
        catch (InvalidOperationException)
        {
            // Never started or already disposed.
        }

        DeleteDirectory(Layout.RootDirectory, throwOnFailure: false);
        if (_watchdog is not null)
        {
            ProcessRunner.Kill(_watchdog);
        }
    }

    private static async Task CleanUpAsync(LocalServerProcess? server, LocalServerLayout layout)
    {
        if (server is not null)
        {
            await server.StopProcessAsync().ConfigureAwait(false);
        }

        DeleteDirectory(layout.RootDirectory, throwOnFailure: false);
    }

    private static void DeleteDirectory(string path, bool throwOnFailure)
    {
        const int attempts = 5;
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
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                if (attempt == attempts)
                {
                    if (throwOnFailure)
                    {
                        throw;
                    }

                    return;
                }

                // A just-killed server can still hold a file for a moment.
                Thread.Sleep(100);
            }
        }
    }
}
