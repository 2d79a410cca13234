using System.Globalization;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace SessionStore.EndToEndTests;

/// <summary>The sample's pages as a person uses them, in one browser tab.</summary>
internal sealed class ShopPage(IPage page)
{
    public const string SessionCookieName = ".SessionSample";

    public IPage Page => page;

    public async Task OpenAsync(SampleApp app, string path = "/")
    {
        var response = await page.GotoAsync(app.BaseUrl + path);
        Assert.True(response is { Ok: true }, $"GET {app.BaseUrl}{path} answered {response?.Status}.");
    }

    /// <summary>Clicks a product's "Add to cart" and waits for the page that shows one more of it.</summary>
    public async Task AddToCartAsync(string productId, string productName)
    {
        var line = page.Locator($"#cart li[data-product='{productId}']");
        var before = await line.CountAsync() == 0 ? 0 : int.Parse((await line.GetAttributeAsync("data-quantity"))!, CultureInfo.InvariantCulture);
        await page.GetByRole(AriaRole.Button, new() { Name = $"Add {productName} to the cart" }).ClickAsync();
        await Expect(line).ToHaveAttributeAsync("data-quantity", (before + 1).ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>The cart as shown, like <c>coffee×1 tea×2</c> (sorted by product), or <c>(empty)</c>.</summary>
    public async Task<string> CartAsync()
    {
        if (await page.Locator("#cart-empty").CountAsync() == 1)
        {
            return "(empty)";
        }

        var lines = await page.Locator("#cart li").EvaluateAllAsync<string[][]>(
            "items => items.map(item => [item.dataset.product, item.dataset.quantity])");
        Assert.NotEmpty(lines);
        return string.Join(' ', lines.OrderBy(line => line[0], StringComparer.Ordinal).Select(line => $"{line[0]}×{line[1]}"));
    }

    /// <summary>The header's sign-in status: "Sign in", or "Signed in as NAME".</summary>
    public Task<string> WhoAsync() => page.Locator("#who").InnerTextAsync();

    /// <summary>The footer, which names the instance (address and process id) that served the page.</summary>
    public Task<string> ServedByAsync() => page.Locator("#served-by").InnerTextAsync();

    public async Task SignInAsync(SampleApp app, string userName)
    {
        await OpenAsync(app, "/account");
        await page.Locator("input[name=userName]").FillAsync(userName);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in", Exact = true }).ClickAsync();
        await Expect(page.Locator("#user-name")).ToHaveTextAsync(userName);
    }

    public async Task SignOutAsync()
    {
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out", Exact = true }).ClickAsync();
        await Expect(page.Locator("input[name=userName]")).ToBeVisibleAsync();
    }

    public static async Task<string> SessionCookieAsync(IBrowserContext context, SampleApp app)
    {
        var cookies = await context.CookiesAsync([app.BaseUrl]);
        var session = cookies.SingleOrDefault(c => c.Name == SessionCookieName);
        Assert.True(session is not null, $"The browser has no {SessionCookieName} cookie for {app.BaseUrl}.");
        return session.Value;
    }
}
