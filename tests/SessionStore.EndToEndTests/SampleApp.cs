using System.Diagnostics;
using System.Reflection;
using System.Text;

namespace SessionStore.EndToEndTests;

/// <summary>
/// One instance of the real sample (samples/SessionSample, built with this project) running as a child process on
/// 127.0.0.1, as a person would run it: <c>dotnet SessionSample.dll --urls … --SessionStore:Dsn …</c>.
/// </summary>
internal sealed class SampleApp : IAsyncDisposable
{
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(60);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SampleApp(Process process, int port)
    {
        _process = process;
        Port = port;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
    }

    public int Port { get; }

    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The process id, which the sample shows in its footer.</summary>
    public int ProcessId { get; private set; }

    /// <summary>What the app printed so far, for failure messages.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// Starts an instance on <paramref name="port"/> against the database in <paramref name="connectionString"/>, letting it
    /// create its tables unless <paramref name="createTables"/> is <see langword="false"/>. Throws
    /// <see cref="InvalidOperationException"/>, with the app's output, when it exits before serving.
    /// </summary>
    public static Task<SampleApp> StartAsync(int port, string connectionString, bool createTables = true) =>
        StartWithSettingsAsync(port, ["--SessionStore:Dsn", connectionString, "--SessionStore:CreateTableIfMissing", createTables ? "true" : "false"]);

    /// <summary>
    /// Starts an instance on <paramref name="port"/> with its sessions and key ring in the etcd at <paramref name="endpoints"/>
    /// (the one setting <c>--SessionStore:Store etcd</c>, plus where etcd is), its session entries under
    /// <paramref name="keyPrefix"/> so that tests sharing an etcd never see each other's sessions.
    /// </summary>
    public static Task<SampleApp> StartOnEtcdAsync(int port, IReadOnlyList<string> endpoints, string keyPrefix) =>
        StartWithSettingsAsync(port,
        [
            "--SessionStore:Store", "etcd",
            .. endpoints.SelectMany((endpoint, i) => new[] { $"--SessionStore:Etcd:Endpoints:{i}", endpoint }),
            "--SessionStore:Etcd:KeyPrefix", keyPrefix,
        ]);

    private static async Task<SampleApp> StartWithSettingsAsync(int port, IReadOnlyList<string> settings)
    {
        var dll = FindSampleDll();
        var startInfo = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { dll, "--urls", $"http://127.0.0.1:{port}" }.Concat(settings))
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["DOTNET_NOLOGO"] = "1";
        var app = new SampleApp(new Process { StartInfo = startInfo }, port);
        app._process.Start();
        app.ProcessId = app._process.Id;
        ChildProcesses.Watch(app._process);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();
        try
        {
            await app.WaitUntilServingAsync();
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    /// <summary>
    /// Kills the process (and anything it started) and waits for it to end. A hard kill, so nothing is saved on the way out:
    /// whatever a restarted instance shows was already in the database.
    /// </summary>
    public async Task StopAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        await _process.WaitForExitAsync();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        catch (InvalidOperationException)
        {
            // Never started.
        }

        _process.Dispose();
    }

    // Any HTTP answer means Kestrel listens, which the sample does only after its start-up check reached the database.
    // The probe path is not a page, so probing creates no session.
    private async Task WaitUntilServingAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (_process.HasExited)
            {
                // HasExited can be true before the asynchronous readers have seen the last lines of output;
                // WaitForExitAsync returns once both redirected streams have reached their end.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException(
                    $"The sample on port {Port} exited with code {_process.ExitCode} before serving. Its output:\n{Output}");
            }

            try
            {
                using var _ = await http.GetAsync($"{BaseUrl}/start-probe");
                return;
            }
            catch (HttpRequestException) when (deadline.Elapsed < s_startTimeout)
            {
                await Task.Delay(100);
            }
            catch (HttpRequestException exception)
            {
                throw new TimeoutException(
                    $"The sample on port {Port} did not answer within {s_startTimeout.TotalSeconds} s. Its output:\n{Output}", exception);
            }
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    // The sample is built beside this project (a ProjectReference without ReferenceOutputAssembly), in the same configuration.
    private static string FindSampleDll()
    {
        var configuration = typeof(SampleApp).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var targetFramework = new DirectoryInfo(AppContext.BaseDirectory).Name;
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "SessionStore.sln")))
        {
            directory = directory.Parent;
        }

        if (directory is null)
        {
            throw new InvalidOperationException($"No SessionStore.sln above {AppContext.BaseDirectory}.");
        }

        var dll = Path.Combine(directory.FullName, "samples", "SessionSample", "bin", configuration, targetFramework, "SessionSample.dll");
        return File.Exists(dll)
            ? dll
            : throw new InvalidOperationException($"{dll} does not exist; build the solution first (dotnet build SessionStore.sln).");
    }
}
