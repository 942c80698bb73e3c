using System.Net;
using System.Net.Http.Json;
using Shop.Contracts;
using Shop.Notification;
using Switchboard;

namespace Shop.Downstream.Tests;

public sealed class NotificationTests
{
    private static readonly NotificationOptions FastRetries = new()
    {
        Retry = new NotificationOptions().Retry with { ImmediateRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), DelayedRetries = 40 },
    };

    private static Task<ServiceHost> StartAsync() =>
        ServiceHost.StartAsync((bus, db) => bus.AddNotificationService(db, FastRetries), app => app.MapNotificationApi());

    private static Task<long> MailboxCountAsync(ServiceHost host, string customerId) =>
        host.ScalarAsync("SELECT COUNT(*) FROM notification_mailbox WHERE customer_id = @p0", customerId);

    [Fact]
    public async Task Each_event_writes_one_mailbox_entry_and_the_API_lists_them_newest_last()
    {
        await using var host = await StartAsync();
        var orderId = Guid.NewGuid();
        object[] events =
        [
            Orders.Created(orderId, "cust-a"),
            new PaymentProcessed(orderId, "pay-1", 17m, Catalog.Currency, [], Orders.T0),
            new InventoryUpdateFailed(orderId, "out of stock: SKU-0010", Orders.T0),
            new PaymentRefunded(orderId, "pay-1", 17m, Catalog.Currency, "out of stock", Orders.T0),
            new PaymentFailed(orderId, "card declined", Orders.T0),
            new OrderShipped(orderId, "shp-1", "SB0123456789", Orders.T0),
            new OrderCancelled(orderId, "not completed within 00:02:00", Orders.T0),
            new ShipmentCancelled(orderId, "shp-1", "not completed within 00:02:00", Orders.T0),
        ];
        for (var i = 0; i < events.Length; i++)
        {
            await PublishAsync(host.Bus, events[i]);
            var expected = i + 1;
            await ServiceHost.WaitUntilAsync(async () => await MailboxCountAsync(host, "cust-a") == expected);
            await Task.Delay(5);
        }

        using var customer = host.As("cust-a");
        var list = await customer.GetFromJsonAsync<List<CustomerNotification>>("/customers/cust-a/notifications");
        Assert.NotNull(list);
        Assert.Equal(["order-created", "payment-processed", "inventory-update-failed", "payment-refunded", "payment-failed", "order-shipped", "order-cancelled", "shipment-cancelled"], list.Select(n => n.Kind));
        Assert.All(list, n => Assert.Equal(orderId, n.OrderId));
        Assert.Contains("SB0123456789", list[5].Body, StringComparison.Ordinal);
        Assert.Contains("shp-1", list[^1].Body, StringComparison.Ordinal);
        Assert.Equal(1, await host.ScalarAsync("SELECT COUNT(DISTINCT email) FROM notification_mailbox WHERE email = 'cust-a@example.com'"));
        Assert.Empty((await host.Operator.GetFromJsonAsync<List<CustomerNotification>>("/customers/nobody/notifications"))!);
        using var other = await host.As("nobody").GetAsync("/customers/cust-a/notifications");
        Assert.Equal(HttpStatusCode.Forbidden, other.StatusCode);
    }

    [Fact]
    public async Task A_redelivered_event_notifies_once()
    {
        await using var host = await StartAsync();
        var orderId = Guid.NewGuid();
        await host.Bus.PublishAsync(Orders.Created(orderId, "cust-b"));
        var copy = new PublishOptions { MessageId = Guid.NewGuid().ToString() };
        var shipped = new OrderShipped(orderId, "shp-1", "SB0000000001", Orders.T0);
        await host.Bus.PublishAsync(shipped, copy);
        await host.Bus.PublishAsync(shipped, copy);
        await host.Bus.PublishAsync(shipped, copy);

        await ServiceHost.WaitUntilAsync(async () => await MailboxCountAsync(host, "cust-b") == 2);
        await host.DrainedAsync("notification");
        Assert.Equal(2, await MailboxCountAsync(host, "cust-b"));
        Assert.Equal(1, await host.ScalarAsync("SELECT COUNT(*) FROM notification_mailbox WHERE id = @p0", copy.MessageId + ":order-shipped"));
    }

    [Fact]
    public async Task An_event_before_its_OrderCreated_waits_for_the_customer_and_notifies_once()
    {
        await using var host = await StartAsync();
        var orderId = Guid.NewGuid();
        await host.Bus.PublishAsync(new PaymentProcessed(orderId, "pay-2", 17m, Catalog.Currency, [], Orders.T0));
        await Task.Delay(400);
        Assert.Equal(0, await MailboxCountAsync(host, "cust-c"));

        await host.Bus.PublishAsync(Orders.Created(orderId, "cust-c"));
        await ServiceHost.WaitUntilAsync(async () => await MailboxCountAsync(host, "cust-c") == 2);
        await host.DrainedAsync("notification");
        Assert.Equal(2, await MailboxCountAsync(host, "cust-c"));
        Assert.Equal(0, await host.ScalarAsync("SELECT COUNT(*) FROM sb_dead_letters"));
    }

    [Fact]
    public async Task An_overlong_customer_id_is_a_400_problem()
    {
        await using var host = await StartAsync();
        var response = await host.Operator.GetAsync("/customers/" + new string('x', 300) + "/notifications");
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private static ValueTask PublishAsync(IBus bus, object message) => message switch
    {
        OrderCreated m => bus.PublishAsync(m),
        PaymentProcessed m => bus.PublishAsync(m),
        PaymentFailed m => bus.PublishAsync(m),
        PaymentRefunded m => bus.PublishAsync(m),
        InventoryUpdateFailed m => bus.PublishAsync(m),
        OrderShipped m => bus.PublishAsync(m),
        OrderCancelled m => bus.PublishAsync(m),
        ShipmentCancelled m => bus.PublishAsync(m),
        _ => throw new ArgumentOutOfRangeException(nameof(message)),
    };
}
