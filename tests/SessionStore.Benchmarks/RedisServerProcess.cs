using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SessionStore.Benchmarks;

/// <summary>
/// A throwaway <c>redis-server</c> child process on a free loopback port, without persistence (<c>--save ""
/// --appendonly no</c>), killed on dispose.
/// </summary>
internal sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly string[] s_knownDirectories = ["/usr/bin", "/usr/local/bin", "/usr/sbin", "/opt/homebrew/bin"];

    private readonly Process _process;
    private readonly StringBuilder _output;

    private RedisServerProcess(Process process, StringBuilder output, int port, string version)
    {
        _process = process;
        _output = output;
        Port = port;
        Version = version;
    }

    public int Port { get; }

    public string Version { get; }

    public string Endpoint => $"127.0.0.1:{Port}";

    public int ProcessId => _process.Id;

    /// <summary>Finds <c>redis-server</c> on PATH or in the usual directories; null when it is not installed.</summary>
    public static string? FindBinary()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Concat(s_knownDirectories)
            .Select(directory => Path.Combine(directory, "redis-server"))
            .FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Finds and starts <c>redis-server</c> for a benchmark's Redis contestant. Returns the server, or null when it is not
    /// installed or did not start, and in either case the note the report prints after "Redis: ".
    /// </summary>
    public static async Task<(RedisServerProcess? Redis, string Note)> StartForBenchmarkAsync(CancellationToken cancellationToken)
    {
        var binary = FindBinary();
        if (binary is null)
        {
            return (null, "skipped: redis-server is not installed (Debian/Ubuntu: sudo apt-get install redis-server), so the Redis cache column is missing");
        }

        try
        {
            var redis = await StartAsync(binary, cancellationToken);
            return (redis, $"redis-server {redis.Version} ({binary}, {redis.Endpoint}, --save \"\" --appendonly no), through Microsoft.Extensions.Caching.StackExchangeRedis");
        }
        catch (Exception ex) when (ex is InvalidOperationException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            return (null, $"skipped: {binary} did not start ({ex.Message}), so the Redis cache column is missing");
        }
    }

    public static async Task<RedisServerProcess> StartAsync(string binary, CancellationToken cancellationToken)
    {
        var version = await ReadVersionAsync(binary, cancellationToken);
        var port = FreeLoopbackPort();
        var startInfo = new ProcessStartInfo(binary)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", string.Empty, "--appendonly", "no" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        var output = new StringBuilder();
        var process = new Process { StartInfo = startInfo };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServerProcess(process, output, port, version);
        try
        {
            await server.WaitUntilReadyAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
                await _process.WaitForExitAsync(timeout.Token);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started, or already reaped.
        }
        finally
        {
            _process.Dispose();
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.GetTimestamp() + (10 * Stopwatch.Frequency);
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"redis-server exited with code {_process.ExitCode}: {Tail()}");
            }

            if (await PingAsync(cancellationToken))
            {
                return;
            }

            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new TimeoutException($"redis-server did not answer PING on {Endpoint} within 10 s: {Tail()}");
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task<bool> PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port, cancellationToken);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    private string Tail()
    {
        lock (_output)
        {
            var text = _output.ToString().Trim();
            return text.Length > 2000 ? text[^2000..] : text;
        }
    }

    private static void Append(StringBuilder output, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (output)
        {
            output.AppendLine(line);
        }
    }

    private static async Task<string> ReadVersionAsync(string binary, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(binary, "--version") { RedirectStandardOutput = true, UseShellExecute = false };
        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not run {binary} --version.");
        var text = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);

        // "Redis server v=7.0.15 sha=00000000:0 malloc=jemalloc-5.3.0 bits=64 build=..."
        var version = text.Split(' ').FirstOrDefault(part => part.StartsWith("v=", StringComparison.Ordinal));
        return version is null ? text.Trim() : version[2..];
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
