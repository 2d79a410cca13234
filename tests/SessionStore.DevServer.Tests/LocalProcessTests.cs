using SessionStore.Testing;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using MySqlConnector;
using SessionStore.DevServer.LocalProcess;
using Xunit.Abstractions;

namespace SessionStore.DevServer.Tests;

public sealed class LocalProcessTests(ITestOutputHelper output)
{
    [Fact]
    public async Task StartAsync_WithOnlyALocalBinary_StartsAServerThatRunsQueriesAndCreatesTables()
    {
        var options = TestOptions.LocalProcessOnly();
        options.Log = output.WriteLine;
        var stopwatch = Stopwatch.StartNew();

        await using var server = await MySqlDevServer.StartAsync(options);

        output.WriteLine($"Start to ready: {stopwatch.Elapsed.TotalSeconds:0.00} s; {server.Description}");
        Assert.Equal(MySqlDevServerSource.LocalProcess, server.Source);
        Assert.Matches(@"^(MariaDB|MySQL) \d+\.\d+\.\d+ \(local process .+, 127\.0\.0\.1:\d+, datadir .+\)$", server.Description);

        await using var connection = new MySqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT VERSION(), DATABASE(), @@character_set_server, @@collation_server, @@max_allowed_packet";
        await using (var reader = await command.ExecuteReaderAsync())
        {
            Assert.True(await reader.ReadAsync());
            Assert.False(string.IsNullOrEmpty(reader.GetString(0)));
            Assert.Equal(options.Database, reader.GetString(1));
            Assert.Equal("utf8mb4", reader.GetString(2));
            Assert.Equal("utf8mb4_unicode_ci", reader.GetString(3));
            Assert.Equal(64L * 1024 * 1024, reader.GetInt64(4));
        }

        command.CommandText = "CREATE TABLE items (id INT PRIMARY KEY, value LONGBLOB NOT NULL)";
        await command.ExecuteNonQueryAsync();

        // The session store keeps values up to 16 MiB: one must survive the round trip.
        var value = new byte[16 * 1024 * 1024];
        Random.Shared.NextBytes(value);
        command.CommandText = "INSERT INTO items (id, value) VALUES (1, @value)";
        command.Parameters.AddWithValue("@value", value);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
        command.Parameters.Clear();
        command.CommandText = "SELECT value FROM items WHERE id = 1";
        Assert.Equal(value, (byte[])(await command.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task DisposeAsync_StopsTheProcessAndDeletesItsDirectory()
    {
        var server = await MySqlDevServer.StartAsync(TestOptions.LocalProcessOnly());
        var local = server.LocalProcess!;
        var port = local.Port;
        var processId = local.ProcessId;
        var directory = local.Layout.RootDirectory;
        Assert.True(Directory.Exists(directory));
        Assert.True(await AcceptsConnectionsAsync(port));

        await server.DisposeAsync();

        Assert.False(await AcceptsConnectionsAsync(port));
        Assert.False(IsRunning(processId));
        Assert.False(Directory.Exists(directory));
        await server.DisposeAsync(); // A second dispose is harmless.
    }

    [Fact]
    public async Task StartAsync_WhenThePickedPortIsTaken_RetriesOnAnotherPort()
    {
        var (binary, reason) = await ServerBinaryLocator.FindAsync(searchDirectories: null, TestFamily.Current, CancellationToken.None);
        Assert.True(binary is not null, reason);
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var takenPort = ((IPEndPoint)squatter.LocalEndpoint).Port;
        var picks = 0;
        var log = new List<string>();

        await using var server = await LocalServerProcess.StartAsync(
            binary, TimeSpan.FromSeconds(60), line => { log.Add(line); output.WriteLine(line); }, CancellationToken.None, () => ++picks == 1 ? takenPort : FreeTcpPort.Pick());

        Assert.Equal(2, picks);
        Assert.NotEqual(takenPort, server.Port);
        Assert.Contains(log, line => line.Contains($"Port {takenPort} was taken", StringComparison.Ordinal));
        Assert.True(await AcceptsConnectionsAsync(server.Port));
    }

    [Fact]
    public async Task StartAsync_WhenTheServerIsNotReadyInTime_ThrowsTimeoutAndDeletesItsDirectory()
    {
        var options = TestOptions.LocalProcessOnly();
        options.StartTimeout = TimeSpan.FromMilliseconds(300);

        var exception = await Assert.ThrowsAsync<TimeoutException>(() => MySqlDevServer.StartAsync(options));

        Assert.Contains("StartTimeout", exception.Message, StringComparison.Ordinal);
        var directory = Regex.Match(exception.Message, @"(\S*sessionstore-mysql-[^/\s]+) was deleted").Groups[1].Value;
        Assert.NotEmpty(directory);
        Assert.False(Directory.Exists(directory));
    }

    [Fact]
    public async Task StartAsync_WhenTheServerExits_ThrowsWithTheTailOfItsErrorLogAndDeletesItsDirectory()
    {
        var scripts = Directory.CreateTempSubdirectory("devserver-test-").FullName;
        try
        {
            // Initialises fine, then fails the way a server with a bad option does: a line in its error log and exit.
            var fake = Path.Combine(scripts, "mysqld");
            await File.WriteAllTextAsync(fake, """
                #!/bin/sh
                for a in "$@"; do
                  case "$a" in
                    --initialize-insecure) exit 0 ;;
                    --log-error=*) log="${a#--log-error=}" ;;
                  esac
                done
                echo "[ERROR] unknown variable 'made-up-option=1'" >> "$log"
                exit 7
                """.ReplaceLineEndings("\n"));
            if (!OperatingSystem.IsWindows())
            {
                File.SetUnixFileMode(fake, UnixFileMode.UserRead | UnixFileMode.UserExecute);
            }

            var binary = new ServerBinary(fake, MySqlServerFamily.MySql, scripts, null, "fake");

            var exception = await Assert.ThrowsAsync<InvalidOperationException>(
                () => LocalServerProcess.StartAsync(binary, TimeSpan.FromSeconds(30), _ => { }, CancellationToken.None));

            Assert.Contains($"{fake} exited with code 7 before accepting connections", exception.Message, StringComparison.Ordinal);
            Assert.Contains("[ERROR] unknown variable 'made-up-option=1'", exception.Message, StringComparison.Ordinal);
            var directory = Regex.Match(exception.Message, @"Last lines of (\S+)/error\.log").Groups[1].Value;
            Assert.NotEmpty(directory);
            Assert.False(Directory.Exists(directory));
        }
        finally
        {
            Directory.Delete(scripts, recursive: true);
        }
    }

    [Fact]
    public async Task StartAsync_WithADatabaseNameThatNeedsQuoting_CreatesIt()
    {
        var options = TestOptions.LocalProcessOnly(database: "we`ird name-" + Guid.NewGuid().ToString("N")[..8]);

        await using var server = await MySqlDevServer.StartAsync(options);

        await using var connection = new MySqlConnection(server.ConnectionString);
        await connection.OpenAsync();
        await using var command = new MySqlCommand("SELECT DATABASE()", connection);
        Assert.Equal(options.Database, await command.ExecuteScalarAsync());
    }

    internal static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(5));
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static bool IsRunning(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
