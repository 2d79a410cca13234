using System.Diagnostics;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace SessionStore.EndToEndTests;

/// <summary>
/// The sample app as a person uses it: real processes on 127.0.0.1, a real browser (Debian's headless Chromium through
/// Playwright), one database shared by every instance and restart. Browsers send a host's cookies to all of its ports, so
/// instances on two ports of 127.0.0.1 see the same session cookie, as the servers of a farm behind one host name do.
/// </summary>
public sealed class SessionEndToEndTests(MySqlServerFixture server, ITestOutputHelper output) : IClassFixture<MySqlServerFixture>, IAsyncLifetime
{
    private readonly List<SampleApp> _apps = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private IPlaywright? _playwright;
    private IBrowser? _browser;
    private string? _database;

    private IBrowser Browser => _browser ?? throw new InvalidOperationException("The browser has not started.");

    public async Task InitializeAsync()
    {
        try
        {
            _database = await server.CreateDatabaseAsync();
            _playwright = await Playwright.CreateAsync();
            _browser = await SystemChromium.LaunchAsync(_playwright);
            Log($"Chromium {_browser.Version} started.");
        }
        catch
        {
            await DisposeAsync();
            throw;
        }
    }

    [Fact]
    public async Task Cart_SurvivesReload_Restart_AndIsSharedWithASecondInstance()
    {
        var port = LoopbackPort.FindFree();
        var first = await StartAppAsync(port);
        var context = await NewContextAsync();
        var shop = new ShopPage(await context.NewPageAsync());

        await shop.OpenAsync(first);
        Assert.Equal("(empty)", await shop.CartAsync());
        await shop.AddToCartAsync("tea", "Green tea");
        await shop.AddToCartAsync("tea", "Green tea");
        await shop.AddToCartAsync("coffee", "Espresso beans");
        Assert.Equal("coffee×1 tea×2", await shop.CartAsync());

        await shop.Page.ReloadAsync();
        Assert.Equal("coffee×1 tea×2", await shop.CartAsync());

        // Restart: the process is killed and a new one serves the same port from the same database.
        await StopAppAsync(first);
        var restarted = await StartAppAsync(port);
        await shop.Page.ReloadAsync();
        Assert.Contains($"process {restarted.ProcessId}", await shop.ServedByAsync(), StringComparison.Ordinal);
        Assert.Equal("coffee×1 tea×2", await shop.CartAsync());

        // A second instance on another port: same cookie, same database, same key ring, so the same cart; a change made
        // there is seen by the first.
        var second = await StartAppAsync(LoopbackPort.FindFree());
        await shop.OpenAsync(second);
        Assert.Contains($"127.0.0.1:{second.Port}", await shop.ServedByAsync(), StringComparison.Ordinal);
        Assert.Equal("coffee×1 tea×2", await shop.CartAsync());
        await shop.AddToCartAsync("teapot", "Cast-iron teapot");

        await shop.OpenAsync(restarted);
        Assert.Contains($"127.0.0.1:{restarted.Port}", await shop.ServedByAsync(), StringComparison.Ordinal);
        Assert.Equal("coffee×1 tea×2 teapot×1", await shop.CartAsync());

        await ScreenshotAsync(shop, "cart");
    }

    [Fact]
    public async Task SignIn_MovesTheSessionToANewCookie_KeepsTheCart_AndTheOldCookieOpensNothing()
    {
        var app = await StartAppAsync(LoopbackPort.FindFree());
        var context = await NewContextAsync();
        var shop = new ShopPage(await context.NewPageAsync());
        await shop.OpenAsync(app);
        await shop.AddToCartAsync("shortbread", "Shortbread");
        var cookieBefore = await ShopPage.SessionCookieAsync(context, app);

        // Markup in the name must come back as text: the page encodes what the user typed.
        const string userName = "<i>Ada</i> & \"Bob\"";
        await shop.SignInAsync(app, userName);
        Assert.Equal(0, await shop.Page.Locator("#user-name i").CountAsync());
        var cookieAfter = await ShopPage.SessionCookieAsync(context, app);
        Assert.NotEqual(cookieBefore, cookieAfter);

        await shop.OpenAsync(app);
        Assert.Equal("shortbread×1", await shop.CartAsync());
        Assert.Equal($"Signed in as {userName}", await shop.WhoAsync());

        // Whoever kept the pre-sign-in cookie (a fixated or sniffed session id) finds an empty session.
        var replayed = await NewContextAsync();
        await replayed.AddCookiesAsync([new Cookie { Name = ShopPage.SessionCookieName, Value = cookieBefore, Url = app.BaseUrl }]);
        var attacker = new ShopPage(await replayed.NewPageAsync());
        await attacker.OpenAsync(app);
        Assert.Equal("(empty)", await attacker.CartAsync());
        Assert.Equal("Sign in", await attacker.WhoAsync());

        // The control: the new cookie, in a fresh context too, carries the session.
        var copied = await NewContextAsync();
        await copied.AddCookiesAsync([new Cookie { Name = ShopPage.SessionCookieName, Value = cookieAfter, Url = app.BaseUrl }]);
        var holder = new ShopPage(await copied.NewPageAsync());
        await holder.OpenAsync(app);
        Assert.Equal("shortbread×1", await holder.CartAsync());

        await shop.OpenAsync(app, "/account");
        Assert.True(await shop.Page.Locator("#visits li").CountAsync() >= 2, "The visit history lists the pages seen before sign-in.");
        await ScreenshotAsync(shop, "signed-in");

        await shop.SignOutAsync();
        await shop.OpenAsync(app);
        Assert.Equal("(empty)", await shop.CartAsync());
        Assert.Equal("Sign in", await shop.WhoAsync());
    }

    public async Task DisposeAsync()
    {
        // Every child process goes first, whatever happened in the test; their output helps explain a failure.
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
            output.WriteLine($"--- sample on port {app.Port} (process {app.ProcessId}) ---");
            output.WriteLine(Tail(app.Output, 40));
        }

        _apps.Clear();
        try
        {
            if (_browser is not null)
            {
                await _browser.DisposeAsync();
                _browser = null;
            }
        }
        finally
        {
            _playwright?.Dispose();
            _playwright = null;
            if (_database is not null)
            {
                await server.DropDatabaseAsync(_database);
                _database = null;
            }
        }
    }

    private async Task<SampleApp> StartAppAsync(int port)
    {
        var app = await SampleApp.StartAsync(port, _database!);
        _apps.Add(app);
        Log($"Started the sample on {app.BaseUrl} (process {app.ProcessId}); database server {server.Description}.");
        return app;
    }

    private async Task StopAppAsync(SampleApp app)
    {
        await app.StopAsync();
        Log($"Stopped the sample on {app.BaseUrl} (process {app.ProcessId}).");
    }

    private async Task<IBrowserContext> NewContextAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1000, Height = 800 } });
        context.SetDefaultTimeout(15_000);
        return context;
    }

    private async Task ScreenshotAsync(ShopPage shop, string name)
    {
        var path = Path.Combine(Path.GetTempPath(), $"sessionstore-e2e-{name}-{Guid.NewGuid():N}.png");
        await shop.Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = true });
        Log($"Screenshot: {path}");
    }

    private void Log(string message) => output.WriteLine($"[{_clock.Elapsed.TotalSeconds,6:0.0} s] {message}");

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));
}
