using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shop.Downstream.Tests;

namespace Shop.EndToEnd.Tests;

/// <summary>
/// The console in a real browser (issue 16): the mail server is down past the Notification endpoint's retries, so
/// notifications dead-letter; an operator finds an order's flow, inspects a dead letter, is refused a purge without the
/// endpoint's name, and, once the mail server is back, re-drives every dead letter from the page, and the customers get
/// their mail. <c>SWITCHBOARD_SCREENSHOTS</c> names a folder for the pages' screenshots (docs/operations.md uses them).
/// </summary>
public sealed partial class ConsoleBrowserTests
{
    private const string Notification = "notification";

    [Fact]
    public async Task An_operator_finds_the_flow_and_redrives_the_dead_letters_from_the_console_once_the_mail_server_is_back()
    {
        await using var smtp = FakeSmtpServer.Start();
        smtp.Refusing = true;
        await using var shop = await MailOutage.StartShopAsync(smtp);
        var first = await shop.PlaceAsync("grace", "tok_visa", new Line("SKU-0003", 1));
        var second = await shop.PlaceAsync("linus", "tok_visa", new Line("SKU-0001", 2));
        Assert.Equal("completed", (await shop.WaitForTerminalAsync(first)).Status);
        Assert.Equal("completed", (await shop.WaitForTerminalAsync(second)).Status);
        await ShopUnderTest.WaitUntilAsync(async () => await DeadLetterCountAsync(shop) == 6, () => "the six notifications dead-lettered");

        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = shop.Address.ToString().TrimEnd('/'),
            ExtraHTTPHeaders = new Dictionary<string, string> { ["Authorization"] = "Bearer " + shop.Tokens.ForOperator("operator") },
            ViewportSize = new ViewportSize { Width = 1400, Height = 900 },
        });
        var page = await context.NewPageAsync();

        // Endpoints: the notification endpoint has six dead letters, the others none.
        await page.GotoAsync("/switchboard");
        var row = page.Locator($"tr[data-endpoint='{Notification}']");
        Assert.Equal("6", (await row.Locator("a.bad").InnerTextAsync()).Trim());
        Assert.Equal(1, await page.Locator("#endpoints a.bad").CountAsync());
        await ScreenshotAsync(page, "console-endpoints");

        // The first order's flow: its notifications dead-lettered.
        await page.GetByRole(AriaRole.Link, new() { Name = "Flows" }).ClickAsync();
        await page.GetByLabel("Correlation id").FillAsync(first.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Show" }).ClickAsync();
        await Assertions.Expect(page.Locator("#flow-tree .tag.bad").First).ToBeVisibleAsync();
        Assert.Equal(3, await page.Locator("#flow-tree li:has(.tag.bad)").CountAsync());
        await ScreenshotAsync(page, "console-flow-dead-lettered");

        // The dead letters of the endpoint, then one of them: its exception, stack trace and body.
        await page.GotoAsync("/switchboard");
        await row.Locator("a.bad").ClickAsync();
        await Assertions.Expect(page.Locator("#dead-letter-count")).ToContainTextAsync("6 shown of 6");
        await ScreenshotAsync(page, "console-dead-letters");
        await page.Locator("table.dead-letters tbody tr").First.Locator("a").First.ClickAsync();
        await Assertions.Expect(page.Locator("#stack-trace")).ToContainTextAsync("Exception");
        await Assertions.Expect(page.Locator("#body")).ToContainTextAsync(OrderIdMember());
        await ScreenshotAsync(page, "console-dead-letter");

        // A purge wants the endpoint's name typed: a wrong one is refused and nothing is deleted.
        await page.GotoAsync($"/switchboard/dead-letters?endpoint={Notification}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Purge" }).ClickAsync();
        await page.GetByLabel("Endpoint name").FillAsync("payment");
        await page.GetByRole(AriaRole.Button, new() { Name = "Purge" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("confirm");
        Assert.Equal(6, await DeadLetterCountAsync(shop));

        // The mail server is back: re-drive all, confirmed on the second page.
        smtp.Refusing = false;
        await page.GotoAsync($"/switchboard/dead-letters?endpoint={Notification}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Re-drive all" }).ClickAsync();
        await Assertions.Expect(page.Locator("#confirm")).ToContainTextAsync("every dead letter of notification");
        await page.Locator("#confirm").GetByRole(AriaRole.Button, new() { Name = "Re-drive" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("6 dead letter(s) of notification re-driven");

        await ShopUnderTest.WaitUntilAsync(
            async () => (await shop.NotificationsAsync("grace")).Count == 3 && (await shop.NotificationsAsync("linus")).Count == 3,
            () => $"every notification listed after the re-drive ({smtp.Received.Count} mailed)");
        Assert.Equal(6, smtp.Received.Count);

        await page.GotoAsync("/switchboard");
        Assert.Equal(0, await page.Locator("#endpoints a.bad").CountAsync());
        await page.GotoAsync($"/switchboard/flows?id={first}");
        Assert.Equal(3, await page.Locator("#flow-timeline .tag.bad").CountAsync());
        Assert.True(await page.Locator("#flow-timeline tr:has-text('notification') .tag.good").CountAsync() >= 3);
        await ScreenshotAsync(page, "console-flow-redriven");

        await page.GotoAsync($"/switchboard/sagas?saga=OrderLifeSaga&key={first}");
        await Assertions.Expect(page.Locator("#saga")).ToContainTextAsync(first.ToString());
        await ScreenshotAsync(page, "console-saga");
        await page.GotoAsync("/switchboard/projections");
        await Assertions.Expect(page.Locator("#projections")).ToContainTextAsync("projection");
        await ScreenshotAsync(page, "console-projections");
    }

    private static async Task<long> DeadLetterCountAsync(ShopUnderTest shop) =>
        (await shop.Operator.GetFromJsonAsync<JsonElement>(new Uri($"/switchboard/api/dead-letters?endpoint={Notification}", UriKind.Relative))).GetProperty("total").GetInt64();

    private static async Task ScreenshotAsync(IPage page, string name)
    {
        var folder = Environment.GetEnvironmentVariable("SWITCHBOARD_SCREENSHOTS") is { Length: > 0 } named ? named : Path.Combine(Path.GetTempPath(), "switchboard-console-screenshots");
        Directory.CreateDirectory(folder);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, name + ".png"), FullPage = true });
    }

    [GeneratedRegex("OrderId|orderId")]
    private static partial Regex OrderIdMember();
}
