using Shop.Contracts;

namespace Shop.Order.Tests;

public sealed class OrderLifeTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow;

    [Fact]
    public async Task Paid_reserved_and_shipped_completes_the_order_with_its_timeline()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var id = await host.PlaceAsync();

        await host.Bus.PublishAsync(new PaymentProcessed(id, "pay-1", 41.90m, "EUR", [new OrderLine("SKU-0001", 2, 8.50m)], At));
        await host.WaitForStatusAsync(id, "paid");
        await host.Bus.PublishAsync(new InventoryUpdated(id, [new OrderLine("SKU-0001", 2, 8.50m)], At));
        await host.WaitForStatusAsync(id, "reserved");
        await host.Bus.PublishAsync(new OrderShipped(id, "ship-1", "TRACK-1", At));
        var order = await host.WaitForStatusAsync(id, "completed");

        Assert.Equal(["received", "payment-processed", "inventory-reserved", "shipped", "completed"], order.Timeline.Select(t => t.Event));
        Assert.Contains("TRACK-1", order.Timeline[3].Detail, StringComparison.Ordinal);
        await Eventually.HoldsAsync(() => host.Published.Of<OrderCompleted>().Any(m => m.Message.OrderId == id), "OrderCompleted");
        var stream = await host.StreamAsync(id);
        Assert.Equal(stream.Single(e => e.Type == "shop.order-completed.v1").EventId, host.Published.Of<OrderCompleted>().Single(m => m.Message.OrderId == id).MessageId);
    }

    /// <summary>
    /// Replies reach the Order Service in any order: a shipment that overtakes the payment and the reservation completes
    /// the order, and the two late milestones still join its timeline (after it, in the order the service learned of
    /// them, each with its own time) without changing its status.
    /// </summary>
    [Fact]
    public async Task Milestones_that_arrive_after_the_shipment_join_the_timeline_of_the_completed_order()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var id = await host.PlaceAsync();
        var now = DateTimeOffset.UtcNow;

        await host.Bus.PublishAsync(new OrderShipped(id, "ship-1", "TRACK-1", now.AddMilliseconds(30)));
        await host.WaitForStatusAsync(id, "completed");
        await host.Bus.PublishAsync(new InventoryUpdated(id, [new OrderLine("SKU-0001", 2, 8.50m)], now.AddMilliseconds(20)));
        await Eventually.HoldsAsync(async () => (await host.GetAsync(id))!.Timeline.Count == 4, "the late reservation on the timeline");
        await host.Bus.PublishAsync(new PaymentProcessed(id, "pay-1", 41.90m, "EUR", [new OrderLine("SKU-0001", 2, 8.50m)], now.AddMilliseconds(10)));
        await Eventually.HoldsAsync(async () => (await host.GetAsync(id))!.Timeline.Count == 5, "the late milestones on the timeline");

        var order = await host.GetAsync(id);
        Assert.Equal("completed", order!.Status);
        Assert.Equal(["received", "shipped", "completed", "inventory-reserved", "payment-processed"], order.Timeline.Select(t => t.Event));
        Assert.NotNull(order.FinishedAt);
    }

    /// <summary>An out-of-stock failure that overtakes the payment: the order stays failed, and the payment joins its timeline.</summary>
    [Fact]
    public async Task A_payment_that_arrives_after_the_inventory_failure_joins_the_timeline_of_the_failed_order()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var id = await host.PlaceAsync();
        var now = DateTimeOffset.UtcNow;

        await host.Bus.PublishAsync(new InventoryUpdateFailed(id, "SKU-0010: 3 requested, 0 available", now.AddMilliseconds(20)));
        await host.WaitForStatusAsync(id, "failed");
        await host.Bus.PublishAsync(new PaymentProcessed(id, "pay-1", 41.90m, "EUR", [], now.AddMilliseconds(10)));
        await Eventually.HoldsAsync(async () => (await host.GetAsync(id))!.Timeline.Any(t => t.Event == "payment-processed"), "the late payment on the timeline");

        var order = await host.GetAsync(id);
        Assert.Equal("failed", order!.Status);
        Assert.Equal(["received", "failed", "payment-processed"], order.Timeline.Select(t => t.Event));
    }

    [Fact]
    public async Task Shipped_without_the_earlier_milestones_still_completes_the_order()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var id = await host.PlaceAsync();

        await host.Bus.PublishAsync(new OrderShipped(id, "ship-1", "TRACK-1", At));

        await host.WaitForStatusAsync(id, "completed");
    }

    [Fact]
    public async Task A_payment_failure_fails_the_order_and_a_late_shipment_changes_nothing()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var id = await host.PlaceAsync();

        await host.Bus.PublishAsync(new PaymentFailed(id, "card declined", At));
        var failed = await host.WaitForStatusAsync(id, "failed");
        await host.Bus.PublishAsync(new OrderShipped(id, "ship-1", "TRACK-1", At));
        await host.Bus.PublishAsync(new PaymentFailed(id, "card declined again", At));
        await Task.Delay(1000);

        Assert.Contains("card declined", failed.Reason, StringComparison.Ordinal);
        var order = await host.GetAsync(id);
        Assert.Equal("failed", order!.Status);
        Assert.Equal(["received", "failed"], order.Timeline.Select(t => t.Event));
        var stream = await host.StreamAsync(id);
        Assert.DoesNotContain(stream, e => e.Type is "shop.order-completed.v1" or "order-marked-shipped");
        Assert.Single(stream, e => e.Type == "shop.order-failed.v1");
        await Eventually.HoldsAsync(() => host.Published.Of<OrderFailed>().Any(m => m.Message.OrderId == id), "OrderFailed");
        Assert.Contains("card declined", host.Published.Of<OrderFailed>().Single(m => m.Message.OrderId == id).Message.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_inventory_failure_fails_the_paid_order_and_the_refund_joins_its_timeline()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var id = await host.PlaceAsync();

        await host.Bus.PublishAsync(new PaymentProcessed(id, "pay-1", 41.90m, "EUR", [], At));
        await host.WaitForStatusAsync(id, "paid");
        await host.Bus.PublishAsync(new InventoryUpdateFailed(id, "SKU-0010 out of stock", At));
        await host.WaitForStatusAsync(id, "failed");
        await host.Bus.PublishAsync(new PaymentRefunded(id, "pay-1", 41.90m, "EUR", "out of stock", At));
        await Eventually.HoldsAsync(async () => (await host.GetAsync(id))!.Timeline.Any(t => t.Event == "refunded"), "the refund on the timeline");

        var order = await host.GetAsync(id);
        Assert.Equal("failed", order!.Status);
        Assert.Contains("SKU-0010", order.Reason, StringComparison.Ordinal);
        Assert.Equal(["received", "payment-processed", "failed", "refunded"], order.Timeline.Select(t => t.Event));
        await Eventually.HoldsAsync(() => host.Published.Of<OrderFailed>().Any(m => m.Message.OrderId == id), "OrderFailed");
    }

    [Fact]
    public async Task A_stuck_order_is_cancelled_once_and_OrderCancelled_is_published()
    {
        await using var host = await OrderServiceHost.StartAsync(new OrderOptions { StuckOrderTimeout = TimeSpan.FromSeconds(1) });
        var id = await host.PlaceAsync();
        await host.Bus.PublishAsync(new PaymentProcessed(id, "pay-1", 41.90m, "EUR", [], At));

        var order = await host.WaitForStatusAsync(id, "cancelled");
        await Eventually.HoldsAsync(() => host.Published.Of<OrderCancelled>().Any(m => m.Message.OrderId == id), "OrderCancelled");

        Assert.Equal(["received", "payment-processed", "cancelled"], order.Timeline.Select(t => t.Event));
        Assert.Single(host.Published.Of<OrderCancelled>(), m => m.Message.OrderId == id);
        Assert.Empty(host.Published.Of<OrderCompleted>());
    }

    /// <summary>
    /// Whatever was under way when an order was cancelled may still report, however late (here: long after the saga's
    /// timeout): the charge, the reservation, a shipment Shipping made before it heard of the cancellation, Shipping's
    /// voiding of it and Payment's refund all join the timeline; the order stays cancelled and never completes.
    /// </summary>
    [Fact]
    public async Task Replies_that_arrive_after_the_cancellation_join_the_timeline_and_change_nothing_else()
    {
        await using var host = await OrderServiceHost.StartAsync(new OrderOptions { StuckOrderTimeout = TimeSpan.FromMilliseconds(500) });
        var id = await host.PlaceAsync();
        await host.WaitForStatusAsync(id, "cancelled");
        await Eventually.HoldsAsync(() => host.Published.Of<OrderCancelled>().Any(m => m.Message.OrderId == id), "OrderCancelled");

        var now = DateTimeOffset.UtcNow;
        async Task ExpectTimelineAsync(params string[] events) =>
            await Eventually.HoldsAsync(async () => (await host.GetAsync(id))!.Timeline.Select(t => t.Event).SequenceEqual(events), string.Join(", ", events));

        await host.Bus.PublishAsync(new PaymentProcessed(id, "pay-1", 41.90m, "EUR", [], now));
        await ExpectTimelineAsync("received", "cancelled", "payment-processed");
        await host.Bus.PublishAsync(new InventoryUpdated(id, [], now));
        await ExpectTimelineAsync("received", "cancelled", "payment-processed", "inventory-reserved");
        await host.Bus.PublishAsync(new OrderShipped(id, "ship-1", "TRACK-1", now));
        await ExpectTimelineAsync("received", "cancelled", "payment-processed", "inventory-reserved", "shipped");
        await host.Bus.PublishAsync(new ShipmentCancelled(id, "ship-1", "not completed within 00:00:00.5", now));
        await ExpectTimelineAsync("received", "cancelled", "payment-processed", "inventory-reserved", "shipped", "shipment-cancelled");
        await host.Bus.PublishAsync(new PaymentRefunded(id, "pay-1", 41.90m, "EUR", "order cancelled", now));
        await ExpectTimelineAsync("received", "cancelled", "payment-processed", "inventory-reserved", "shipped", "shipment-cancelled", "refunded");

        var order = await host.GetAsync(id);
        Assert.Equal("cancelled", order!.Status);
        Assert.Empty(host.Published.Of<OrderCompleted>());
        var stream = await host.StreamAsync(id);
        Assert.Single(stream, e => e.Type == "shop.order-cancelled.v1");
        Assert.DoesNotContain(stream, e => e.Type is "shop.order-completed.v1" or "order-marked-completed");
    }

    [Fact]
    public async Task An_out_of_stock_reason_is_shown_as_Inventory_gave_it()
    {
        await using var host = await OrderServiceHost.StartAsync();
        var id = await host.PlaceAsync();

        await host.Bus.PublishAsync(new InventoryUpdateFailed(id, "out of stock: SKU-0010: 3 requested, 0 available", At));
        var order = await host.WaitForStatusAsync(id, "failed");

        Assert.Equal("out of stock: SKU-0010: 3 requested, 0 available", order.Reason);
    }
}
