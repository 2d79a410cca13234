using SessionStore.DevServer;

namespace SessionSample.Hosting;

/// <summary>A throwaway local MySQL-compatible server for running the sample on a fresh machine with no configuration.</summary>
internal static class ThrowawayServer
{
    /// <summary>
    /// When <c>SessionStore:Dsn</c> is empty, starts a server (the same code the tests use: <c>MySqlDevServer</c>), points
    /// the section at it and lets the app create its tables there. Returns <see langword="null"/> when a DSN is configured.
    /// Dispose the server to stop it and delete its data.
    /// </summary>
    public static async Task<MySqlDevServer?> StartIfNoDsnAsync(IConfigurationSection section)
    {
        if (!string.IsNullOrWhiteSpace(section["Dsn"]))
        {
            return null;
        }

        Console.WriteLine("SessionStore:Dsn is not set; starting a throwaway local MySQL-compatible server…");
        var server = await MySqlDevServer.StartAsync(new MySqlDevServerOptions { Log = Console.WriteLine });
        Console.WriteLine($"Using {server.Description}");
        section["Dsn"] = server.ConnectionString;
        section["CreateTableIfMissing"] = "true";
        return server;
    }

    /// <summary>Prints how to start a second instance of the farm against the same server.</summary>
    public static void PrintSecondInstanceCommand(MySqlDevServer server, ICollection<string> urls)
    {
        var second = new UriBuilder(urls.FirstOrDefault() ?? "http://127.0.0.1:5080");
        second.Port++;
        var secondUrl = second.Uri.GetLeftPart(UriPartial.Authority);
        var dsn = server.Source == MySqlDevServerSource.EnvironmentVariable
            ? ""  // The second instance finds the same server through the same environment variable (and its password stays out of the console).
            : $" --SessionStore:Dsn \"{server.ConnectionString}\"";
        Console.WriteLine("A second instance of the farm, sharing sessions and the key ring with this one:");
        Console.WriteLine($"  dotnet run --project samples/SessionSample -- --urls {secondUrl}{dsn}");
        Console.WriteLine("The throwaway server stops with this instance (Ctrl+C).");
    }
}
