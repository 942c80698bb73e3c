using Shop.Contracts;
using Shop.Invariants;
using Xunit.Abstractions;

namespace Shop.Crash.Tests;

/// <summary>
/// A cancelled order is never shipped (issue 13, item 2), as the report describes it: Shipping is down past the
/// stuck-order timeout, Order cancels the order, Payment refunds it and Inventory releases its stock; when Shipping comes
/// back, the order is past its ship-by deadline and Shipping ships nothing.
/// </summary>
[Collection(ProcessesCollection.Name)]
public sealed class LateShipmentTests(ITestOutputHelper output)
{
    [Fact]
    public Task Shipping_back_after_the_cancellation_ships_nothing() => EmbeddedShop.RunAsync(output, async shop =>
    {
        shop.Define("shipping", "shipping");
        shop.Define("rest", "order,payment,inventory,notification,analytics", "--stuck-order-timeout", "00:00:03");
        await shop.StartAsync("shipping");
        await shop.StartAsync("rest");
        using var http = shop.Http("rest");
        await shop.StopAsync("shipping");

        var id = await shop.PlaceAsync(http, "late-1", "SKU-0002", 2, "late-1");
        await shop.WaitUntilAsync(
            async () => (await shop.GetOrderAsync(http, id))?.Timeline.Select(t => t.Event).Contains("refunded") == true,
            "the order to be cancelled and refunded",
            TimeSpan.FromSeconds(60));

        await shop.StartAsync("shipping");
        await shop.WaitUntilAsync(async () => (await shop.QueuesAsync()).Pending == 0, "Shipping to handle what it missed", TimeSpan.FromSeconds(60));

        var order = await shop.GetOrderAsync(http, id);
        Assert.Equal("cancelled", order!.Status);
        Assert.Equal(["received", "payment-processed", "inventory-reserved", "cancelled", "refunded"], order.Timeline.Select(t => t.Event));
        Assert.Empty(shop.Ledger.Of<OrderShipped>());
        Assert.Empty(shop.Ledger.Of<ShipmentCancelled>());
        var notifications = await shop.NotificationsAsync(http, "late-1");
        Assert.DoesNotContain(notifications, n => n.EventKey.EndsWith(":order-shipped", StringComparison.Ordinal));
        Assert.Contains(notifications, n => n.EventKey == $"{id}:order-cancelled");
        var report = InvariantCheck.Check(shop.Ledger, [id], await shop.StockAsync(http), notifications);
        Assert.True(report.Passed, "Invariants broken:\n" + string.Join('\n', report.Violations));
        Assert.Equal(1, report.Cancelled);
    });
}
