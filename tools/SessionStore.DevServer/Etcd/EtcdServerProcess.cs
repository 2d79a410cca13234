using System.Diagnostics;
using System.Globalization;
using SessionStore.DevServer.Internal;
using SessionStore.DevServer.LocalProcess;

namespace SessionStore.DevServer.Etcd;

/// <summary>
/// A throwaway single-member etcd with its own temporary directory, on free loopback ports. Killed and deleted on dispose,
/// when the host process exits (<c>AppDomain.ProcessExit</c>), and by an <see cref="OrphanWatchdog"/> when the host is killed.
/// </summary>
internal sealed class EtcdServerProcess : IAsyncDisposable
{
    /// <summary>Prefix of the temporary directory's name.</summary>
    public const string DirectoryPrefix = "sessionstore-etcd-dev-";

    private const int PortAttempts = 3;

    private const int DiagnosticLines = 30;

    // A fresh single member elects itself and answers about 1 s after launch here; 50 ms polls add little.
    private static readonly TimeSpan s_pollInterval = TimeSpan.FromMilliseconds(50);

    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly Process? _watchdog;
    private readonly OutputTail _output;
    private readonly EventHandler _killOnHostExit;
    private int _stopped;
    private int _disposed;

    private EtcdServerProcess(string binary, string rootDirectory, string memberName, int clientPort, Process process, OutputTail output)
    {
        Binary = binary;
        RootDirectory = rootDirectory;
        MemberName = memberName;
        ClientPort = clientPort;
        _process = process;
        _output = output;
        _watchdog = OperatingSystem.IsWindows() ? null : OrphanWatchdog.Start(Environment.ProcessId, process.Id, rootDirectory);
        _killOnHostExit = (_, _) => KillOnHostExit();
        AppDomain.CurrentDomain.ProcessExit += _killOnHostExit;
    }

    public string Binary { get; }

    public string RootDirectory { get; }

    public string DataDirectory => Path.Combine(RootDirectory, "data");

    public string MemberName { get; }

    public int ClientPort { get; }

    public string Endpoint => EtcdServerArguments.Url(ClientPort);

    public int ProcessId => _process.Id;

    public string Location => $"local process {Binary}, {Endpoint}, data dir {DataDirectory}";

    /// <summary>
    /// Starts etcd on two free loopback ports (client and peer) and waits until it is healthy, retrying on new ports when
    /// one was taken between picking and binding it.
    /// </summary>
    public static async Task<EtcdServerProcess> StartAsync(
        string binary, TimeSpan timeout, Action<string> log, CancellationToken cancellationToken, Func<int>? pickPort = null)
    {
        pickPort ??= FreeTcpPort.Pick;
        var rootDirectory = Directory.CreateTempSubdirectory(DirectoryPrefix).FullName;
        var memberName = "dev-" + Guid.NewGuid().ToString("N")[..12];
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var stopwatch = Stopwatch.StartNew();
        EtcdServerProcess? server = null;
        try
        {
            await File.WriteAllTextAsync(
                Path.Combine(rootDirectory, "owner.pid"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture), timeoutSource.Token).ConfigureAwait(false);
            for (var attempt = 1; ; attempt++)
            {
                var clientPort = pickPort();
                var peerPort = pickPort();
                server = Launch(binary, rootDirectory, memberName, clientPort, peerPort);
                if (await server.WaitUntilReadyAsync(http, timeoutSource.Token).ConfigureAwait(false))
                {
                    log($"{binary} answered on {server.Endpoint} after {stopwatch.Elapsed.TotalSeconds:0.00} s.");
                    return server;
                }

                var diagnostics = server._output.ToString();
                await server.StopProcessAsync().ConfigureAwait(false);
                server = null;
                DeleteDirectory(Path.Combine(rootDirectory, "data"));
                if (attempt == PortAttempts)
                {
                    throw new InvalidOperationException(
                        $"{binary} could not bind free ports in {PortAttempts} attempts; the last were {clientPort} and {peerPort}.{Environment.NewLine}{diagnostics}");
                }

                log($"Port {clientPort} or {peerPort} was taken before {binary} could bind it; trying others.");
            }
        }
        catch (OperationCanceledException) when (timeoutSource.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            var diagnostics = server?._output.ToString() ?? string.Empty;
            await CleanUpAsync(server, rootDirectory).ConfigureAwait(false);
            throw new TimeoutException(
                $"{binary} did not become healthy within {timeout.TotalSeconds:0.#} s "
                + $"({nameof(EtcdDevServerOptions)}.{nameof(EtcdDevServerOptions.StartTimeout)}); {rootDirectory} was deleted."
                + $"{Environment.NewLine}{diagnostics}");
        }
        catch
        {
            await CleanUpAsync(server, rootDirectory).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Kills etcd (its data is deleted next, so a clean shutdown would be wasted time) and deletes its directory.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await StopProcessAsync().ConfigureAwait(false);
        DeleteDirectory(RootDirectory);
    }

    private static EtcdServerProcess Launch(string binary, string rootDirectory, string memberName, int clientPort, int peerPort)
    {
        var output = new OutputTail(DiagnosticLines);
        var dataDirectory = Path.Combine(rootDirectory, "data");
        var process = new Process
        {
            StartInfo = ProcessRunner.CreateStartInfo(binary, EtcdServerArguments.Create(memberName, dataDirectory, clientPort, peerPort)),
        };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        EtcdServerProcess server;
        try
        {
            process.Start();
            server = new EtcdServerProcess(binary, rootDirectory, memberName, clientPort, process, output);
        }
        catch
        {
            ProcessRunner.Kill(process);
            process.Dispose();
            throw;
        }

        process.StandardInput.Close();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return server;
    }

    /// <summary>
    /// Polls until our member answers healthy (true), or it exits because a port was taken (false). Throws when it exits
    /// for any other reason.
    /// </summary>
    private async Task<bool> WaitUntilReadyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        while (!_process.HasExited)
        {
            try
            {
                if (await EtcdHttpProbe.IsReadyAsync(http, Endpoint, MemberName, cancellationToken).ConfigureAwait(false))
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or System.Text.Json.JsonException
                || (exception is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                // Not listening yet, or something else on the port that is not etcd.
            }

            await Task.Delay(s_pollInterval, cancellationToken).ConfigureAwait(false);
        }

        var diagnostics = _output.ToString();
        if (diagnostics.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw new InvalidOperationException(
            $"{Binary} exited with code {_process.ExitCode} before answering on {Endpoint}.{Environment.NewLine}Last lines of its output:{Environment.NewLine}{diagnostics}");
    }

    private async Task StopProcessAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        AppDomain.CurrentDomain.ProcessExit -= _killOnHostExit;
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
            // Already disposed.
        }

        DeleteDirectory(RootDirectory);
        if (_watchdog is not null)
        {
            ProcessRunner.Kill(_watchdog);
        }
    }

    private static async Task CleanUpAsync(EtcdServerProcess? server, string rootDirectory)
    {
        if (server is not null)
        {
            await server.StopProcessAsync().ConfigureAwait(false);
        }

        DeleteDirectory(rootDirectory);
    }

    private static void DeleteDirectory(string path)
    {
        for (var attempt = 1; attempt <= 5; attempt++)
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
                // A just-killed etcd can still hold its WAL for a moment.
                Thread.Sleep(100);
            }
        }
    }
}
