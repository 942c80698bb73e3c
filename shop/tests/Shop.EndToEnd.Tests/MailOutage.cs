using Switchboard;
using Shop.Downstream.Tests;

namespace Shop.EndToEnd.Tests;

/// <summary>A shop whose notifications go through a mail server the test can take down (<see cref="FakeSmtpServer.Refusing"/>) and bring back.</summary>
internal static class MailOutage
{
    /// <summary>
    /// Starts the shop on <paramref name="smtp"/>, with the Notification endpoint's retries short (a notification is
    /// dead-lettered about four seconds after the mail server refused it), yet long enough for a later notification to
    /// wait for its order's first one when they are re-driven together.
    /// </summary>
    public static Task<ShopUnderTest> StartShopAsync(FakeSmtpServer smtp) => ShopUnderTest.StartAsync(o => o with
    {
        Smtp = SmtpArguments.Parse($"127.0.0.1:{smtp.Port}", "Shop <orders@shop.test>", "none"),
        NotificationRetry = new RetryPolicy { ImmediateRetries = 0, DelayedRetries = 4, BaseDelay = TimeSpan.FromMilliseconds(250) },
    });
}
