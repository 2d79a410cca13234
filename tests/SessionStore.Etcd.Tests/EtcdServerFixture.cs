using SessionStore.DevServer;

namespace SessionStore.Etcd.Tests;

/// <summary>
/// The etcd these tests run against, found or started by <see cref="EtcdDevServer"/> (SESSIONSTORE_ETCD, else a throwaway
/// etcd from the machine's binaries, torn down after; without either it fails saying how to get one).
/// </summary>
public sealed class EtcdServerFixture : IAsyncLifetime
{
    private EtcdDevServer? _server;

    /// <summary>The client URL of the etcd (its first endpoint).</summary>
    public string Endpoint => (_server ?? throw new InvalidOperationException("The etcd has not started.")).Endpoints[0];

    public async Task InitializeAsync() => _server = await EtcdDevServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
