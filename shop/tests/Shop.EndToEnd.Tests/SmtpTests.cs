using Shop.Downstream.Tests;
using Shop.Notification;

namespace Shop.EndToEnd.Tests;

/// <summary>The whole shop with <c>--smtp</c>: the customer gets every notification by email, and the API still lists them.</summary>
public sealed class SmtpTests
{
    [Fact]
    public async Task A_completed_order_emails_each_notification_once_and_the_API_still_lists_them()
    {
        await using var server = FakeSmtpServer.Start();
        await using var shop = await ShopUnderTest.StartAsync(o => o with
        {
            Smtp = SmtpArguments.Parse($"127.0.0.1:{server.Port}", "Shop <orders@shop.test>", "none"),
        });

        var id = await shop.PlaceAsync("grace", "tok_visa", new Line("SKU-0003", 2));
        Assert.Equal("completed", (await shop.WaitForTerminalAsync(id)).Status);

        await shop.CheckInvariantsAsync(); // waits until no retry is pending, so every notification went out
        var listed = await shop.NotificationsAsync("grace");
        Assert.Equal(["order-created", "order-shipped", "payment-processed"], listed.Select(n => n.Kind).Order(StringComparer.Ordinal)); // in the order handled, which retries may change
        var mails = server.Received.ToList();
        Assert.Equal(listed.Select(n => n.Subject).Order(StringComparer.Ordinal), mails.Select(m => m.Message.Subject).Order(StringComparer.Ordinal));
        Assert.All(mails, m => Assert.Equal("grace@example.com", Assert.Single(m.Message.To.Mailboxes).Address));
        Assert.All(mails, m => Assert.Equal("orders@shop.test", Assert.Single(m.Message.From.Mailboxes).Address));
        Assert.All(mails, m => Assert.Contains(id.ToString(), m.Message.TextBody, StringComparison.Ordinal));
        Assert.Equal(3, mails.Select(m => m.Message.MessageId).Distinct().Count());
        Assert.All(mails, m => Assert.EndsWith(".notification@shop.test", m.Message.MessageId, StringComparison.Ordinal));
    }
}
