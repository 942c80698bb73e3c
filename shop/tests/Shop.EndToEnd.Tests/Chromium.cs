using Microsoft.Playwright;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// Debian's Chromium driven by Playwright (no browser download exists here): <c>SWITCHBOARD_CHROMIUM</c> names the
/// executable, else <c>/usr/bin/chromium</c>; the test command installs it. Missing, a browser test fails and says so.
/// </summary>
internal static class Chromium
{
    public static string ExecutablePath
    {
        get
        {
            var path = Environment.GetEnvironmentVariable("SWITCHBOARD_CHROMIUM") is { Length: > 0 } named ? named : "/usr/bin/chromium";
            return File.Exists(path)
                ? path
                : throw new InvalidOperationException($"No Chromium at {path}: install it (apt-get install chromium; ./scripts/test.sh does) or set SWITCHBOARD_CHROMIUM.");
        }
    }

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        var playwright = await Playwright.CreateAsync();
        try
        {
            var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
            {
                ExecutablePath = ExecutablePath,
                Headless = true,
                Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
            });
            return (playwright, browser);
        }
        catch
        {
            playwright.Dispose();
            throw;
        }
    }
}
