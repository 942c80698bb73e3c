using System.Net.Http.Json;
using Shop.Contracts;
using Shop.Notification;
using Switchboard;

namespace Shop.Downstream.Tests;

/// <summary>The Notification service configured with SMTP: every notification is emailed and still listed by the API.</summary>
public sealed class SmtpNotificationTests
{
    private static Task<ServiceHost> StartAsync(FakeSmtpServer server) =>
        ServiceHost.StartAsync(
            (bus, db) => bus.AddNotificationService(db, new NotificationOptions
            {
                Retry = new NotificationOptions().Retry with { ImmediateRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), DelayedRetries = 40 },
                Smtp = new SmtpOptions { Host = "127.0.0.1", Port = server.Port, From = "orders@shop.test", Tls = SmtpTlsMode.None },
            }),
            app => app.MapNotificationApi());

    [Fact]
    public async Task Each_event_is_emailed_once_and_recorded_in_the_mailbox()
    {
        await using var server = FakeSmtpServer.Start();
        await using var host = await StartAsync(server);
        var orderId = Guid.NewGuid();
        var created = new PublishOptions { MessageId = Guid.NewGuid().ToString() };
        var shipped = new PublishOptions { MessageId = Guid.NewGuid().ToString() };

        await host.Bus.PublishAsync(Orders.Created(orderId, "cust-m"), created);
        await ServiceHost.WaitUntilAsync(async () => await host.ScalarAsync("SELECT COUNT(*) FROM notification_mailbox WHERE customer_id = 'cust-m'") == 1);
        await host.Bus.PublishAsync(new OrderShipped(orderId, "shp-1", "SB0000000042", Orders.T0), shipped);
        await ServiceHost.WaitUntilAsync(async () => await host.ScalarAsync("SELECT COUNT(*) FROM notification_mailbox WHERE customer_id = 'cust-m'") == 2);
        await host.DrainedAsync("notification");

        var mails = server.Received.ToList();
        Assert.Equal(2, mails.Count);
        Assert.All(mails, m => Assert.Equal(["cust-m@example.com"], m.Recipients));
        Assert.Equal(["Order received", "Order shipped"], mails.Select(m => m.Message.Subject));
        Assert.Equal(
            [NotificationEmail.MessageId(created.MessageId + ":order-created", "shop.test"), NotificationEmail.MessageId(shipped.MessageId + ":order-shipped", "shop.test")],
            mails.Select(m => m.Message.MessageId));
        var listed = await host.Operator.GetFromJsonAsync<List<CustomerNotification>>("/customers/cust-m/notifications");
        Assert.Equal(["order-created", "order-shipped"], listed!.Select(n => n.Kind));
    }

    [Fact]
    public async Task While_the_server_refuses_nothing_is_recorded_and_the_event_is_retried_until_it_is_sent()
    {
        await using var server = FakeSmtpServer.Start();
        server.Refusing = true;
        await using var host = await StartAsync(server);
        var orderId = Guid.NewGuid();

        await host.Bus.PublishAsync(Orders.Created(orderId, "cust-r"));
        await ServiceHost.WaitUntilAsync(() => Task.FromResult(server.Refused >= 3));
        Assert.Equal(0, await host.ScalarAsync("SELECT COUNT(*) FROM notification_mailbox WHERE customer_id = 'cust-r'"));
        Assert.Equal(0, await host.ScalarAsync("SELECT COUNT(*) FROM notification_customers WHERE order_id = @p0", orderId.ToString()));

        server.Refusing = false;
        await ServiceHost.WaitUntilAsync(async () => await host.ScalarAsync("SELECT COUNT(*) FROM notification_mailbox WHERE customer_id = 'cust-r'") == 1);
        await host.DrainedAsync("notification");

        Assert.Single(server.Received);
        Assert.Equal(0, await host.ScalarAsync("SELECT COUNT(*) FROM sb_dead_letters"));
    }
}
