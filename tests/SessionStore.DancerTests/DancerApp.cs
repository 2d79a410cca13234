using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using MySqlConnector;

namespace SessionStore.DancerTests;

/// <summary>
/// The Dancer 1 app of <c>perl/app.psgi</c>, run by Plack's <c>plackup</c> on a free loopback port, keeping its sessions
/// in one table through <c>Dancer::Session::TestDBI</c>. Its standard error is kept for failure messages; disposing kills it.
/// </summary>
internal sealed class DancerApp : IAsyncDisposable
{
    private const string DebianPackages = "libdancer-perl libplack-perl libdbd-mysql-perl";
    private static readonly TimeSpan s_startTimeout = TimeSpan.FromSeconds(30);

    private readonly Process _process;
    private readonly StringBuilder _standardError;

    private DancerApp(Process process, StringBuilder standardError, Uri baseAddress)
    {
        _process = process;
        _standardError = standardError;
        BaseAddress = baseAddress;
    }

    /// <summary><c>http://127.0.0.1:port/</c>.</summary>
    public Uri BaseAddress { get; }

    /// <summary>What plackup and the app wrote so far (its access log, warnings, Perl errors).</summary>
    public string StandardError
    {
        get
        {
            string output;
            lock (_standardError)
            {
                output = _standardError.ToString();
            }

            return _process.HasExited ? output + $"(plackup has exited, code {_process.ExitCode})\n" : output;
        }
    }

    public static async Task<DancerApp> StartAsync(string connectionString, string table)
    {
        var appDirectory = Path.Combine(AppContext.BaseDirectory, "perl");
        await CheckPerlModulesAsync(appDirectory);

        var database = new MySqlConnectionStringBuilder(connectionString);
        var port = FreeLoopbackPort();
        var startInfo = new ProcessStartInfo("plackup")
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "app.psgi" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment["DANCER_SESSION_DSN"] = Dsn(database);
        startInfo.Environment["DANCER_SESSION_USER"] = database.UserID;
        startInfo.Environment["DANCER_SESSION_PASSWORD"] = database.Password;
        startInfo.Environment["DANCER_SESSION_TABLE"] = table;
        // plackup's default environment, development, logs every request to standard error, which failure messages show.
        startInfo.Environment["PLACK_ENV"] = "development";

        var standardError = new StringBuilder();
        var process = new Process { StartInfo = startInfo };
        process.ErrorDataReceived += (_, e) => Append(standardError, e.Data);
        process.OutputDataReceived += (_, e) => Append(standardError, e.Data);
        process.Start();
        process.BeginErrorReadLine();
        process.BeginOutputReadLine();

        var app = new DancerApp(process, standardError, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await app.WaitUntilItAnswersAsync();
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops the app (as a cut-over does); its sessions stay in the table.</summary>
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
            // never started
        }

        _process.Dispose();
    }

    /// <summary>DBI's data source for the test server: DBD::mysql takes host and port (or a socket) and the database.</summary>
    private static string Dsn(MySqlConnectionStringBuilder database)
    {
        var host = database.Server.Split(',')[0];
        var location = host.StartsWith('/')
            ? $"mysql_socket={host}"
            : $"host={host};port={database.Port}";
        return $"DBI:mysql:database={database.Database};{location}";
    }

    private static async Task CheckPerlModulesAsync(string appDirectory)
    {
        var startInfo = new ProcessStartInfo("perl")
        {
            WorkingDirectory = appDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-Ilib", "-MDancer", "-MPlack", "-MDBD::mysql", "-MJSON", "-MDancer::Session::TestDBI", "-e", "1" })
        {
            startInfo.ArgumentList.Add(argument);
        }

        string problem;
        try
        {
            using var check = Process.Start(startInfo)!;
            var error = await check.StandardError.ReadToEndAsync();
            await check.WaitForExitAsync();
            if (check.ExitCode == 0 && OnPath("plackup"))
            {
                return;
            }

            problem = check.ExitCode == 0 ? "plackup is not on PATH" : error.Trim();
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            problem = "perl could not be started: " + ex.Message;
        }

        throw new InvalidOperationException(
            $"The Dancer tests need Perl with Dancer 1, Plack (plackup) and DBD::mysql. On Debian: apt-get install {DebianPackages}. ({problem})");
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(directory => File.Exists(Path.Combine(directory, program)));

    private async Task WaitUntilItAnswersAsync()
    {
        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.Zero })
        {
            BaseAddress = BaseAddress,
            Timeout = TimeSpan.FromSeconds(2),
        };
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < s_startTimeout)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException(
                    $"plackup app.psgi exited with code {_process.ExitCode} before it answered. Its output:\n{StandardError}");
            }

            try
            {
                using var response = await client.GetAsync("ping");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // not answering yet
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"plackup app.psgi did not answer on {BaseAddress} within {s_startTimeout.TotalSeconds} s. Its output:\n{StandardError}");
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
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
}
