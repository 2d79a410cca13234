using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SessionStore.EndToEndTests;

/// <summary>
/// The sample switched to etcd by one setting (<c>--SessionStore:Store etcd</c>): the same shop, the same browser, with the
/// sessions and the Data Protection key ring in one etcd that outlives every instance.
/// </summary>
public sealed class SessionOnEtcdEndToEndTests(EtcdServerFixture etcd, ITestOutputHelper output) : IClassFixture<EtcdServerFixture>, IAsyncLifetime
{
    private readonly List<SampleApp> _apps = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    // A prefix of this test's own, so that runs sharing an etcd from SESSIONSTORE_ETCD never see each other's sessions.
    private readonly string _keyPrefix = $"e2e-{Guid.NewGuid():N}/";
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    private IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    public async Task InitializeAsync()
    {
        try
        {
            _playwright = await Playwright.CreateAsync();
            _browser = await SystemChromium.LaunchAsync(_playwright);
            Log($"Chromium {_browser.Version} started; {etcd.Description}.");
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task Cart_SurvivesReload_Restart_AndIsSharedWithASecondInstance_OnEtcd()
    {
        var port = LoopbackPort.FindFree();
        var first = await StartAppAsync(port);
        Assert.Contains("Sessions: etcd (", first.Output, StringComparison.Ordinal);
        var context = await Browser.NewContextAsync();
        context.SetDefaultTimeout(15_000);
        var shop = new ShopPage(await context.NewPageAsync());

        await shop.OpenAsync(first);
        Assert.Contains("etcd through EtcdSessionCache", await shop.ServedByAsync(), StringComparison.Ordinal);
        Assert.Equal("(empty)", await shop.CartAsync());
        await shop.AddToCartAsync("tea", "Green tea");
        await shop.AddToCartAsync("tea", "Green tea");
        await shop.AddToCartAsync("coffee", "Espresso beans");
        Assert.Equal("coffee×1 tea×2", await shop.CartAsync());

        // Restart: the process is killed and a new one serves the same port from the same etcd; the cookie it gets was
        // protected with a key the first process stored in etcd.
        await StopAppAsync(first);
        var restarted = await StartAppAsync(port);
        await shop.Page.ReloadAsync();
        Assert.Contains($"process {restarted.ProcessId}", await shop.ServedByAsync(), StringComparison.Ordinal);
        Assert.Equal("coffee×1 tea×2", await shop.CartAsync());

        // A second instance on another port: same cookie, same etcd, same key ring, so the same cart both ways.
        var second = await StartAppAsync(LoopbackPort.FindFree());
        await shop.OpenAsync(second);
        Assert.Equal("coffee×1 tea×2", await shop.CartAsync());
        await shop.AddToCartAsync("teapot", "Cast-iron teapot");

        await shop.OpenAsync(restarted);
        Assert.Equal("coffee×1 tea×2 teapot×1", await shop.CartAsync());
    }

    public async Task DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
            output.WriteLine($"--- sample on port {app.Port} (process {app.ProcessId}) ---");
            output.WriteLine(string.Join('\n', app.Output.Split('\n').TakeLast(40)));
        }

        _apps.Clear();
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
            _browser = null;
        }

        _playwright?.Dispose();
        _playwright = null;
    }

    private async Task<SampleApp> StartAppAsync(int port)
    {
        var app = await SampleApp.StartOnEtcdAsync(port, etcd.Endpoints, _keyPrefix);
        _apps.Add(app);
        Log($"Started the sample on etcd at {app.BaseUrl} (process {app.ProcessId}).");
        return app;
    }

    private async Task StopAppAsync(SampleApp app)
    {
        await app.StopAsync();
        Log($"Stopped the sample on {app.BaseUrl} (process {app.ProcessId}).");
    }

    private void Log(string message) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {message}");
}
