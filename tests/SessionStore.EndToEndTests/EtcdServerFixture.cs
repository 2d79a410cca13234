using SessionStore.DevServer;

namespace SessionStore.EndToEndTests;

/// <summary>
/// The etcd the sample instances share (found or started by EtcdDevServer: SESSIONSTORE_ETCD, else a throwaway
/// /usr/bin/etcd), owned by this test process so that it outlives the app processes the tests stop and start.
/// </summary>
public sealed class EtcdServerFixture : IAsyncLifetime
{
    private EtcdDevServer? _server;

    public string Description => Server.Description;

    public IReadOnlyList<string> Endpoints => Server.Endpoints;

    private EtcdDevServer Server => _server ?? throw new InvalidOperationException("The etcd has not started.");

    public async Task InitializeAsync() => _server = await EtcdDevServer.StartAsync();

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
