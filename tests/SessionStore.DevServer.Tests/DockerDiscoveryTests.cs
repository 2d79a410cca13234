using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using SessionStore.DevServer.Docker;

namespace SessionStore.DevServer.Tests;

/// <summary>
/// Testcontainers discovers Docker once per process (and DOCKER_HOST is read then), so every test of the real discovery
/// runs it in a child process of its own: this assembly run with <see cref="DockerDiscoveryChild"/>'s arguments, with
/// the DOCKER_HOST of the test.
/// </summary>
public sealed class DockerDiscoveryTests
{
    // Past the discovery timeout, the time for a child process to start and load Testcontainers on a busy machine.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task StartAsync_WithDockerHostAtAMissingSocket_MovesOnWithinSecondsAndSaysWhy()
    {
        var child = await DockerDiscoveryChild.RunAsync("start", dockerHost: "unix:///nonexistent/docker.sock");

        Assert.Equal(nameof(InvalidOperationException), child.Outcome);
        Assert.InRange(child.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.Contains(
            "2. Testcontainers: Testcontainers found no Docker engine: Failed to connect to Docker endpoint at 'unix:///nonexistent/docker.sock' (",
            child.Detail, StringComparison.Ordinal);
        Assert.Contains("3. Local server process: ", child.Detail, StringComparison.Ordinal);
        Assert.Contains("Start a Docker engine", child.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_WithDockerHostThatAcceptsButNeverAnswers_GivesUpAfterTheDiscoveryTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var endpoint = $"tcp://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}";

        var child = await DockerDiscoveryChild.RunAsync("start", endpoint);

        Assert.Equal(nameof(InvalidOperationException), child.Outcome);
        Assert.InRange(child.Elapsed, TestcontainersDocker.DiscoveryTimeout - TimeSpan.FromMilliseconds(100), TestcontainersDocker.DiscoveryTimeout + Slack);
        Assert.Contains(
            $"2. Testcontainers: Testcontainers' Docker discovery did not finish within 5 s (DOCKER_HOST is {endpoint}); ",
            child.Detail, StringComparison.Ordinal);
        Assert.Contains("3. Local server process: ", child.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task DiscoverAsync_WithDockerHostAnsweringPing_FindsThatEngine()
    {
        await using var engine = FakeEngine.Start();

        var child = await DockerDiscoveryChild.RunAsync("discover", engine.Endpoint);

        Assert.True(child.Outcome == "found", child.Detail);
        Assert.Equal(new Uri(engine.Endpoint).ToString(), child.Detail);
        Assert.Contains(engine.Requests, request => request.StartsWith("GET /", StringComparison.Ordinal) && request.Contains("/_ping ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task DiscoverAsync_WithThisMachinesSettings_AnswersWithinTheTimeout()
    {
        var child = await DockerDiscoveryChild.RunAsync("discover", dockerHost: null);

        Assert.InRange(child.Elapsed, TimeSpan.Zero, TestcontainersDocker.DiscoveryTimeout + Slack);
        if (child.Outcome == "found")
        {
            Assert.True(Uri.IsWellFormedUriString(child.Detail, UriKind.Absolute), child.Detail);
        }
        else
        {
            Assert.Equal("none", child.Outcome);
            Assert.Matches("^(Testcontainers found no Docker engine: Failed to connect to Docker endpoint at '|Testcontainers' Docker discovery did not finish within 5 s)", child.Detail);
        }
    }

    [Fact]
    public async Task WaitAsync_WhenTheDiscoveryNeverFinishes_SaysSoAtTheTimeout()
    {
        var never = new TaskCompletionSource<DockerDiscovery>();
        var stopwatch = Stopwatch.StartNew();

        var result = await TestcontainersDocker.WaitAsync(never.Task, TimeSpan.FromMilliseconds(300), CancellationToken.None);

        Assert.False(result.Found);
        Assert.Null(result.Endpoint);
        Assert.StartsWith("Testcontainers' Docker discovery did not finish within 0.3 s", result.Detail, StringComparison.Ordinal);
        Assert.InRange(stopwatch.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(2));
    }

    [Fact]
    public async Task WaitAsync_WhenTheDiscoveryFinishes_ReturnsItsResult()
    {
        var found = new DockerDiscovery(new Uri("unix:///var/run/docker.sock"), "unix:///var/run/docker.sock");

        var result = await TestcontainersDocker.WaitAsync(Task.FromResult(found), TimeSpan.FromSeconds(5), CancellationToken.None);

        Assert.Same(found, result);
        Assert.True(result.Found);
    }

    [Fact]
    public async Task WaitAsync_WhenCancelled_Throws()
    {
        var never = new TaskCompletionSource<DockerDiscovery>();
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => TestcontainersDocker.WaitAsync(never.Task, TimeSpan.FromSeconds(30), cancellation.Token));
    }

    /// <summary>
    /// Answers every request the way an engine answers <c>/_ping</c>, and keeps the request lines.
    /// </summary>
    private sealed class FakeEngine : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly List<string> _requests = [];
        private Task _serving = Task.CompletedTask;

        public string Endpoint => $"tcp://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}";

        public IReadOnlyList<string> Requests
        {
            get
            {
                lock (_requests)
                {
                    return [.. _requests];
                }
            }
        }

        public static FakeEngine Start()
        {
            var engine = new FakeEngine();
            engine._listener.Start();
            engine._serving = engine.ServeAsync();
            return engine;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            try
            {
                await _serving;
            }
            catch (Exception exception) when (exception is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                // Stopped while accepting.
            }

            _stop.Dispose();
        }

        private async Task ServeAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                _ = Task.Run(() => AnswerAsync(client));
            }
        }

        private async Task AnswerAsync(TcpClient client)
        {
            using (client)
            {
                var stream = client.GetStream();
                var request = new StringBuilder();
                var buffer = new byte[4096];
                while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
                {
                    var read = await stream.ReadAsync(buffer);
                    if (read == 0)
                    {
                        return;
                    }

                    request.Append(Encoding.ASCII.GetString(buffer, 0, read));
                }

                lock (_requests)
                {
                    _requests.Add(request.ToString().Split("\r\n")[0]);
                }

                await stream.WriteAsync(Encoding.ASCII.GetBytes(
                    "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK"));
            }
        }
    }
}

/// <summary>
/// One Docker discovery in a process of its own: <c>discover</c> prints what <see cref="TestcontainersDocker"/> found,
/// <c>start</c> runs <see cref="MySqlDevServer.StartAsync"/> with Testcontainers on and no local binaries and prints how
/// it failed; each prints one line, <c>RESULT {json}</c>, with the time the call took.
/// </summary>
internal static class DockerDiscoveryChild
{
    private const string Marker = "RESULT ";

    // A child that hangs fails the test instead of the run.
    private static readonly TimeSpan ChildTimeout = TimeSpan.FromSeconds(60);

    public sealed record Result(string Outcome, string Detail, double ElapsedMilliseconds)
    {
        [System.Text.Json.Serialization.JsonIgnore]
        public TimeSpan Elapsed => TimeSpan.FromMilliseconds(ElapsedMilliseconds);
    }

    public static async Task<Result> RunAsync(string mode, string? dockerHost)
    {
        var assembly = typeof(DockerDiscoveryChild).Assembly.Location;
        var startInfo = new ProcessStartInfo(DotnetHost())
        {
            ArgumentList = { "exec", assembly, mode },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment.Remove("DOCKER_HOST");
        if (dockerHost is not null)
        {
            startInfo.Environment["DOCKER_HOST"] = dockerHost;
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using (var timeout = new CancellationTokenSource(ChildTimeout))
        {
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                Assert.Fail($"The '{mode}' child (DOCKER_HOST={dockerHost}) did not exit within {ChildTimeout.TotalSeconds:0} s.");
            }
        }

        var output = await stdout;
        var line = output.Split('\n').Select(l => l.TrimEnd('\r')).LastOrDefault(l => l.StartsWith(Marker, StringComparison.Ordinal));
        Assert.True(line is not null, $"The '{mode}' child exited with {process.ExitCode} and no result.\nstdout:\n{output}\nstderr:\n{await stderr}");
        return JsonSerializer.Deserialize<Result>(line[Marker.Length..])!;
    }

    /// <summary>The child's side, called by <see cref="Program.Main"/>.</summary>
    public static async Task<int> MainAsync(string mode)
    {
        var stopwatch = Stopwatch.StartNew();
        Result result;
        if (mode == "discover")
        {
            var discovery = await TestcontainersDocker.DiscoverAsync(CancellationToken.None);
            result = new Result(discovery.Found ? "found" : "none", discovery.Detail, stopwatch.Elapsed.TotalMilliseconds);
        }
        else
        {
            var options = TestOptions.LocalProcessOnly();
            options.UseTestcontainers = true;
            options.ServerSearchDirectories = [];
            try
            {
                await using var server = await MySqlDevServer.StartAsync(options);
                result = new Result("started", server.Description, stopwatch.Elapsed.TotalMilliseconds);
            }
            catch (Exception exception)
            {
                result = new Result(exception.GetType().Name, exception.Message, stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        Console.WriteLine(Marker + JsonSerializer.Serialize(result));
        return 0;
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host
        : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath!
        : "dotnet";
}
