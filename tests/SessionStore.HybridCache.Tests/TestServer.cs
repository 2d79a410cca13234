using SessionStore.DevServer;

namespace SessionStore.HybridCache.Tests;

/// <summary>
/// The one MySQL-compatible server of this test run, found or started on first use by <see cref="MySqlDevServer"/> (the
/// SESSIONSTORE_MYSQL connection string, else Testcontainers, else a throwaway local mariadbd/mysqld) and stopped when the
/// test process ends.
/// </summary>
internal static class TestServer
{
    private static readonly Lazy<Task<MySqlDevServer>> s_server = new(StartAsync);

    public static Task<MySqlDevServer> GetAsync() => s_server.Value;

    private static async Task<MySqlDevServer> StartAsync()
    {
        var server = await MySqlDevServer.StartAsync(new MySqlDevServerOptions { Database = "sessionstore_hybrid_tests" });
        Console.WriteLine($"HybridCache tests use {server.Description}");

        // xunit 2 has no assembly fixture; stop what we started when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }
}
