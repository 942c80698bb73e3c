using Shop.Contracts;
using Xunit.Abstractions;

namespace Shop.Crash.Tests;

/// <summary>
/// A charge made before a restart is refunded after it (issue 13, item 1), step by step as the report describes: the
/// simulated payment gateway is a remote system, so its memory of the charge outlives Shop's processes.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class RefundAfterRestartTests(ITestOutputHelper output)
{
    [Fact]
    public Task An_order_charged_before_a_restart_and_refused_by_inventory_after_it_is_refunded_once() => EmbeddedShop.RunAsync(output, async shop =>
    {
        shop.Define("inventory", "inventory");
        shop.Define("rest", "order,payment,shipping,notification,analytics");
        await shop.StartAsync("inventory");
        await shop.StartAsync("rest");
        using var http = shop.Http("rest");

        // Inventory is down: the order is charged and waits for its reservation.
        await shop.StopAsync("inventory");
        var id = await shop.PlaceAsync(http, "restart-1", "SKU-0010", 21, "restart-1");
        await shop.WaitUntilAsync(async () => (await shop.GetOrderAsync(http, id))?.Status == "paid", "the order to be paid", TimeSpan.FromSeconds(60));

        // A clean restart of the process that charged it, then Inventory comes back and refuses the order: 21 of a SKU of 20.
        await shop.StopAsync("rest");
        await shop.StartAsync("rest");
        await shop.StartAsync("inventory");
        await shop.WaitUntilAsync(
            async () => (await shop.GetOrderAsync(http, id))?.Timeline.Any(t => t.Event == "refunded") == true,
            "the refund on the order's timeline",
            TimeSpan.FromSeconds(60));
        await shop.WaitUntilAsync(async () => (await shop.QueuesAsync()).Pending == 0, "every message to be handled", TimeSpan.FromSeconds(60));

        var order = await shop.GetOrderAsync(http, id);
        Assert.Equal("failed", order!.Status);
        Assert.StartsWith("out of stock: ", order.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("out of stock: out of stock", order.Reason, StringComparison.Ordinal);
        Assert.Equal(0, (await shop.QueuesAsync()).DeadLetters);
        var refund = Assert.Single(shop.Ledger.Of<PaymentRefunded>());
        Assert.Equal((id, 21 * 59.00m), (refund.OrderId, refund.Amount));
        Assert.Equal((123_900L, 123_900L, 1L), await shop.GatewayAsync(id)); // 21 × 59.00 EUR charged, all of it refunded, once
        var notifications = await shop.NotificationsAsync(http, "restart-1");
        Assert.Single(notifications, n => n.EventKey == $"{id}:payment-refunded");
    });
}
