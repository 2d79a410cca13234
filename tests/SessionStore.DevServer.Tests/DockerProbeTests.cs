using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using SessionStore.DevServer.Docker;

namespace SessionStore.DevServer.Tests;

[CollectionDefinition(nameof(DockerHostVariable), DisableParallelization = true)]
public sealed class DockerHostVariable;

/// <summary>
/// These tests set DOCKER_HOST for the whole process, so they run alone.
/// </summary>
[Collection(nameof(DockerHostVariable))]
public sealed class DockerProbeTests : IDisposable
{
    private readonly string? _originalDockerHost = Environment.GetEnvironmentVariable("DOCKER_HOST");

    public void Dispose() => Environment.SetEnvironmentVariable("DOCKER_HOST", _originalDockerHost);

    [Fact]
    public async Task ProbeAsync_WithDockerHostAtAMissingSocket_SaysTheSocketDoesNotExist()
    {
        Environment.SetEnvironmentVariable("DOCKER_HOST", "unix:///nonexistent/docker.sock");

        var result = await DockerEngineProbe.ProbeAsync(CancellationToken.None);

        Assert.False(result.Answered);
        Assert.Contains("unix:///nonexistent/docker.sock (from DOCKER_HOST) does not exist", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_WithDockerHostThatAcceptsButNeverAnswers_GivesUpAfterThePingTimeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        Environment.SetEnvironmentVariable("DOCKER_HOST", $"tcp://127.0.0.1:{((IPEndPoint)silent.LocalEndpoint).Port}");
        var stopwatch = Stopwatch.StartNew();

        var result = await DockerEngineProbe.ProbeAsync(CancellationToken.None);

        Assert.False(result.Answered);
        Assert.Contains("did not answer /_ping within 2 s", result.Detail, StringComparison.Ordinal);
        Assert.InRange(stopwatch.Elapsed, DockerEngineProbe.PingTimeout - TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(4));
    }

    [Fact]
    public async Task ProbeAsync_WithDockerHostAnsweringPing_ReportsAnEngine()
    {
        using var engine = new TcpListener(IPAddress.Loopback, 0);
        engine.Start();
        var endpoint = $"tcp://127.0.0.1:{((IPEndPoint)engine.LocalEndpoint).Port}";
        Environment.SetEnvironmentVariable("DOCKER_HOST", endpoint);
        var answering = AnswerOnePingAsync(engine);

        var result = await DockerEngineProbe.ProbeAsync(CancellationToken.None);

        Assert.True(result.Answered, result.Detail);
        Assert.Equal($"{endpoint} (from DOCKER_HOST)", result.Detail);
        Assert.StartsWith("GET /_ping ", await answering, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_WithTestcontainersEnabledAndNoEngine_MovesOnWithinSecondsAndReportsWhy()
    {
        Environment.SetEnvironmentVariable("DOCKER_HOST", "unix:///nonexistent/docker.sock");
        var options = TestOptions.LocalProcessOnly();
        options.UseTestcontainers = true;
        options.ServerSearchDirectories = [];
        var stopwatch = Stopwatch.StartNew();

        var exception = await Assert.ThrowsAsync<InvalidOperationException>(() => MySqlDevServer.StartAsync(options));

        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(3));
        Assert.Contains("Testcontainers: no Docker engine answered: unix:///nonexistent/docker.sock (from DOCKER_HOST) does not exist.", exception.Message, StringComparison.Ordinal);
        Assert.Contains("Start a Docker engine", exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProbeAsync_WithThisMachinesSettings_AnswersWithinSeconds()
    {
        var stopwatch = Stopwatch.StartNew();

        var result = await DockerEngineProbe.ProbeAsync(CancellationToken.None);

        Assert.False(string.IsNullOrWhiteSpace(result.Detail));
        Assert.InRange(stopwatch.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(5));
    }

    private static async Task<string> AnswerOnePingAsync(TcpListener listener)
    {
        using var client = await listener.AcceptTcpClientAsync();
        var stream = client.GetStream();
        var request = new StringBuilder();
        var buffer = new byte[1024];
        while (!request.ToString().Contains("\r\n\r\n", StringComparison.Ordinal))
        {
            var read = await stream.ReadAsync(buffer);
            if (read == 0)
            {
                break;
            }

            request.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }

        await stream.WriteAsync(Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\nConnection: close\r\n\r\nOK"));
        return request.ToString();
    }
}
