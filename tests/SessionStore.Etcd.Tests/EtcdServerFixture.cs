using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace SessionStore.Etcd.Tests;

/// <summary>
/// One etcd (Debian's etcd-server) for a test class: free loopback ports, its own data directory, killed and deleted after.
/// Fails, never skips, when etcd is not installed.
/// </summary>
public sealed class EtcdServerFixture : IAsyncLifetime
{
    private const string EtcdPath = "/usr/bin/etcd";
    private Process? _process;
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "sessionstore-etcd-" + Guid.NewGuid().ToString("N"));

    public string Endpoint { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (!File.Exists(EtcdPath))
        {
            throw new InvalidOperationException($"{EtcdPath} is missing: apt-get install etcd-server (Debian's etcd 3.4), then run the tests again.");
        }

        // A free port found here may be taken by another fixture before etcd binds it: start again on new ports.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await StartAsync();
                return;
            }
            catch (InvalidOperationException) when (attempt < 3)
            {
                await DisposeAsync();
            }
        }
    }

    private async Task StartAsync()
    {
        var clientPort = FreePort();
        var peerPort = FreePort();
        Endpoint = $"http://127.0.0.1:{clientPort}";
        var start = new ProcessStartInfo(EtcdPath)
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[]
        {
            "--name", "test", "--data-dir", _dataDirectory,
            "--listen-client-urls", Endpoint, "--advertise-client-urls", Endpoint,
            "--listen-peer-urls", $"http://127.0.0.1:{peerPort}", "--initial-advertise-peer-urls", $"http://127.0.0.1:{peerPort}",
            "--initial-cluster", $"test=http://127.0.0.1:{peerPort}",
        })
        {
            start.ArgumentList.Add(argument);
        }

        var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.ErrorDataReceived += (sender, e) =>
        {
            if (e.Data is { } line)
            {
                log.Enqueue(line);
                while (log.Count > 20 && log.TryDequeue(out _))
                {
                }
            }
        };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();

        using var client = new dotnet_etcd.EtcdClient(Endpoint);
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                await client.StatusAsync(new Etcdserverpb.StatusRequest(), null, DateTime.UtcNow.AddSeconds(1));
                return;
            }
            // Grpc.Net.Client reports the deadline of a call to a member that is still starting as a TaskCanceledException
            // (seen here), not always as RpcException DeadlineExceeded.
            catch (Exception ex) when (ex is Grpc.Core.RpcException or OperationCanceledException && deadline.Elapsed < TimeSpan.FromSeconds(20) && !_process.HasExited)
            {
                await Task.Delay(100);
            }
            catch (Exception ex) when (ex is Grpc.Core.RpcException or OperationCanceledException)
            {
                throw new InvalidOperationException($"etcd did not start on {Endpoint}:{Environment.NewLine}{string.Join(Environment.NewLine, log)}", ex);
            }
        }
    }

    public Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }

        _process?.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }

        return Task.CompletedTask;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
