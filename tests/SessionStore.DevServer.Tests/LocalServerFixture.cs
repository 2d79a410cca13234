namespace SessionStore.DevServer.Tests;

/// <summary>
/// One local server shared by the tests of a class that only need a server to point at.
/// </summary>
public sealed class LocalServerFixture : IAsyncLifetime
{
    private MySqlDevServer? _server;

    public MySqlDevServer Server => _server ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync() => _server = await MySqlDevServer.StartAsync(TestOptions.LocalProcessOnly());

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
