using Microsoft.Playwright;

namespace SessionStore.EndToEndTests;

/// <summary>Debian's Chromium, driven by Playwright. Playwright's own browser builds are never downloaded.</summary>
internal static class SystemChromium
{
    public const string ExecutablePath = "/usr/bin/chromium";

    public static async Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        if (!File.Exists(ExecutablePath))
        {
            Assert.Fail(
                $"The end-to-end tests need headless Chromium at {ExecutablePath}, which does not exist. Install Debian's package: " +
                "sudo apt-get install chromium (.ci/run does this when it is missing). Playwright's own browser download is not used.");
        }

        return await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args =
            [
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
            ],
        });
    }
}
