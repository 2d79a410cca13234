using SessionStore.DevServer;

namespace SessionStore.Cli.Tests;

/// <summary>
/// The one MySQL-compatible server of a test run, found (or started) on first use by <see cref="MySqlDevServer"/>: the
/// SESSIONSTORE_MYSQL connection string, else Testcontainers when Docker answers, else a throwaway local mariadbd/mysqld.
/// Shared by every test class so that they run in parallel on one server; each test owns its own table.
/// </summary>
internal static class TestServer
{
    private static readonly Lazy<Task<MySqlDevServer>> s_server = new(StartAsync);

    public static Task<MySqlDevServer> GetAsync() => s_server.Value;

    private static async Task<MySqlDevServer> StartAsync()
    {
        var server = await MySqlDevServer.StartAsync(new MySqlDevServerOptions { Database = "sessionstore_cli_tests" });
        Console.WriteLine($"CLI tests use {server.Description}");

        // xunit 2 has no assembly fixture; stop what we started when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }
}
