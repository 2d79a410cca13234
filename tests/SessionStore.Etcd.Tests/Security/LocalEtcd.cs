using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;

namespace SessionStore.Etcd.Tests.Security;

/// <summary>
/// A throwaway single-member etcd on free loopback ports, in its own temporary directory, with the extra flags a security
/// test needs (TLS files, token TTL). The development server's launcher is internal to its assembly and probes over plain
/// HTTP only, so a TLS member cannot use it; this one probes <c>/health</c> with the caller's handler. Killed and deleted
/// on dispose.
/// </summary>
internal sealed class LocalEtcd : IAsyncDisposable
{
    private const int PortAttempts = 3;

    private static readonly string[] s_knownDirectories = ["/usr/bin", "/usr/local/bin"];

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output;

    private LocalEtcd(Process process, ConcurrentQueue<string> output, string directory, string endpoint)
    {
        _process = process;
        _output = output;
        Directory = directory;
        Endpoint = endpoint;
    }

    /// <summary>The temporary directory that holds the data directory (and whatever the caller put there).</summary>
    public string Directory { get; }

    /// <summary>The client URL, <c>http://</c> or <c>https://</c>.</summary>
    public string Endpoint { get; }

    public int Port => new Uri(Endpoint).Port;

    /// <summary>etcd's last output lines, for a failure message.</summary>
    public string Output => string.Join(Environment.NewLine, _output);

    /// <summary>Finds <paramref name="name"/> (<c>etcd</c>, <c>etcdctl</c>) on <c>PATH</c> or in the usual directories, or fails saying how to get it.</summary>
    public static string FindBinary(string name)
    {
        var directories = (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(s_knownDirectories);
        return directories.Select(d => Path.Combine(d, name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException(
                $"The security tests start their own etcd and need '{name}' on PATH or in {string.Join(", ", s_knownDirectories)}; "
                + "install etcd 3.4+ (Debian: apt-get install etcd-server etcd-client).");
    }

    /// <summary>
    /// Starts etcd in <paramref name="directory"/> (created by the caller, deleted on dispose), with <paramref name="scheme"/>
    /// client URLs and <paramref name="extraArguments"/>, and waits until <c>/health</c> through <paramref name="probeHandler"/> says true.
    /// </summary>
    public static async Task<LocalEtcd> StartAsync(string directory, string scheme, IEnumerable<string> extraArguments, HttpMessageHandler probeHandler)
    {
        var binary = FindBinary("etcd");
        var extra = extraArguments.ToList();
        using var http = new HttpClient(probeHandler, disposeHandler: false) { Timeout = TimeSpan.FromSeconds(2) };
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        for (var attempt = 1; ; attempt++)
        {
            var clientUrl = $"{scheme}://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}";
            var peerUrl = $"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}";
            var name = "sec-" + Guid.NewGuid().ToString("N")[..12];
            var dataDirectory = Path.Combine(directory, "data");
            var start = new ProcessStartInfo(binary)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            foreach (var argument in new[]
            {
                "--name", name, "--data-dir", dataDirectory,
                "--listen-client-urls", clientUrl, "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl, "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", $"{name}={peerUrl}", "--initial-cluster-token", name,
                "--logger", "zap", "--log-outputs", "stderr",
            }.Concat(extra))
            {
                start.ArgumentList.Add(argument);
            }

            var output = new ConcurrentQueue<string>();
            var process = new Process { StartInfo = start };
            process.OutputDataReceived += (_, e) => Keep(output, e.Data);
            process.ErrorDataReceived += (_, e) => Keep(output, e.Data);
            process.Start();
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            var server = new LocalEtcd(process, output, directory, clientUrl);
            try
            {
                if (await server.WaitUntilHealthyAsync(http, timeout.Token))
                {
                    return server;
                }
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }

            var diagnostics = server.Output;
            await server.StopAsync();
            System.IO.Directory.Delete(dataDirectory, recursive: true);
            if (attempt == PortAttempts)
            {
                throw new InvalidOperationException($"etcd could not bind free ports in {PortAttempts} attempts.{Environment.NewLine}{diagnostics}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        for (var attempt = 1; attempt <= 5 && System.IO.Directory.Exists(Directory); attempt++)
        {
            try
            {
                System.IO.Directory.Delete(Directory, recursive: true);
            }
            catch (IOException)
            {
                // A just-killed etcd can still hold its WAL for a moment.
                await Task.Delay(100);
            }
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static void Keep(ConcurrentQueue<string> output, string? line)
    {
        if (line is null)
        {
            return;
        }

        output.Enqueue(line);
        while (output.Count > 30)
        {
            output.TryDequeue(out _);
        }
    }

    /// <summary>True once healthy; false when etcd exited because a port was taken; throws when it exited for another reason or timed out.</summary>
    private async Task<bool> WaitUntilHealthyAsync(HttpClient http, CancellationToken cancellationToken)
    {
        while (!_process.HasExited)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"etcd at {Endpoint} was not healthy within 30 s.{Environment.NewLine}{Output}");
            }

            try
            {
                using var health = JsonDocument.Parse(await http.GetStringAsync(new Uri($"{Endpoint}/health"), cancellationToken));
                if (health.RootElement.TryGetProperty("health", out var healthy) && healthy.GetString() == "true")
                {
                    return true;
                }
            }
            catch (Exception exception) when (exception is HttpRequestException or JsonException or TaskCanceledException)
            {
                // Not listening yet.
            }

            await Task.Delay(50, CancellationToken.None);
        }

        if (Output.Contains("address already in use", StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        throw new InvalidOperationException($"etcd exited with code {_process.ExitCode} before answering on {Endpoint}.{Environment.NewLine}{Output}");
    }

    private async Task StopAsync()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            // Stuck in the kernel; nothing more to do from here.
        }

        _process.Dispose();
    }
}
