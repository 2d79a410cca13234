using SessionStore.DevServer;

namespace SessionSample.Hosting;

/// <summary>A throwaway local etcd for running the sample on etcd with no configuration but <c>SessionStore:Store etcd</c>.</summary>
internal static class ThrowawayEtcd
{
    /// <summary>
    /// When the <c>SessionStore:Etcd</c> section names no etcd (no <c>Dsn</c>, no <c>Endpoints</c>), finds or starts one (the
    /// same code the tests use: <c>EtcdDevServer</c>, which honours <c>SESSIONSTORE_ETCD</c>) and points the section at it.
    /// Returns <see langword="null"/> when an etcd is configured. Dispose the server to stop it and delete its data.
    /// </summary>
    public static async Task<EtcdDevServer?> StartIfNotConfiguredAsync(IConfigurationSection etcd)
    {
        if (!string.IsNullOrWhiteSpace(etcd["Dsn"]) || etcd.GetSection("Endpoints").GetChildren().Any())
        {
            return null;
        }

        Console.WriteLine("SessionStore:Etcd names no etcd (Dsn or Endpoints); starting a throwaway local etcd…");
        var server = await EtcdDevServer.StartAsync(new EtcdDevServerOptions { Log = Console.WriteLine });
        Console.WriteLine($"Using {server.Description}");
        for (var i = 0; i < server.Endpoints.Count; i++)
        {
            etcd[$"Endpoints:{i}"] = server.Endpoints[i];
        }

        return server;
    }

    /// <summary>Prints how to start a second instance of the farm against the same etcd.</summary>
    public static void PrintSecondInstanceCommand(EtcdDevServer server, ICollection<string> urls)
    {
        var second = new UriBuilder(urls.FirstOrDefault() ?? "http://127.0.0.1:5080");
        second.Port++;
        var secondUrl = second.Uri.GetLeftPart(UriPartial.Authority);
        var endpoints = server.Source == EtcdDevServerSource.EnvironmentVariable
            ? ""  // The second instance finds the same etcd through the same environment variable.
            : string.Concat(server.Endpoints.Select((endpoint, i) => $" --SessionStore:Etcd:Endpoints:{i} {endpoint}"));
        Console.WriteLine("A second instance of the farm, sharing sessions and the key ring with this one:");
        Console.WriteLine($"  dotnet run --project samples/SessionSample -- --urls {secondUrl} --SessionStore:Store etcd{endpoints}");
        Console.WriteLine("The throwaway etcd stops with this instance (Ctrl+C).");
    }
}
