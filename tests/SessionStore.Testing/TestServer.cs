using System.Collections.Concurrent;
using SessionStore.DevServer;

namespace SessionStore.Testing;

/// <summary>
/// The MySQL-compatible server of a test process, found or started on first use by <see cref="MySqlDevServer"/> (a
/// connection string from the family's environment variable, else Testcontainers when Docker answers, else a throwaway
/// local server) and stopped when the process ends. Test classes share it and run in parallel on it; each owns its tables.
/// The family comes from <see cref="TestFamily"/>, so one suite runs against MariaDB and Oracle MySQL in turn.
/// </summary>
public static class TestServer
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<MySqlDevServer>>> s_servers = new(StringComparer.Ordinal);

    /// <summary>
    /// The server of this process, with <paramref name="database"/> (created when missing) as its connection string's
    /// database. A database per test project keeps projects apart on a server that several share.
    /// </summary>
    public static Task<MySqlDevServer> GetAsync(string database) =>
        s_servers.GetOrAdd(database, static name => new Lazy<Task<MySqlDevServer>>(() => StartAsync(name))).Value;

    /// <summary>The options that find a server of this run's family.</summary>
    public static MySqlDevServerOptions Options(string database) => new()
    {
        Database = database,
        Family = TestFamily.Current,
    };

    private static async Task<MySqlDevServer> StartAsync(string database)
    {
        var server = await MySqlDevServer.StartAsync(Options(database));
        Console.WriteLine($"Tests use {server.Description}");

        // xunit 2 has no assembly fixture; stop what we started when the test process ends.
        AppDomain.CurrentDomain.ProcessExit += (_, _) => server.DisposeAsync().AsTask().GetAwaiter().GetResult();
        return server;
    }
}
