using Shop.Contracts;
using Shop.Shipping;
using Switchboard;

namespace Shop.Downstream.Tests;

public sealed class ShippingTests
{
    private static readonly ShippingOptions FastRetries = new()
    {
        Retry = new ShippingOptions().Retry with { ImmediateRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(100), MaxDelay = TimeSpan.FromMilliseconds(500), DelayedRetries = 40 },
    };

    private static Task<ServiceHost> StartAsync() => ServiceHost.StartAsync((bus, db) => bus.AddShippingService(db, FastRetries));

    [Fact]
    public async Task OrderCreated_then_InventoryUpdated_ships_the_order_once_with_a_tracking_number()
    {
        await using var host = await StartAsync();
        var orderId = Guid.NewGuid();
        await host.Bus.PublishAsync(Orders.Created(orderId));
        await host.Bus.PublishAsync(Orders.Reserved(orderId));

        await ServiceHost.WaitUntilAsync(() => Task.FromResult(!host.Shipped.Received.IsEmpty));
        await host.DrainedAsync("shipping");
        var shipped = Assert.Single(host.Shipped.Received);
        Assert.Equal(orderId, shipped.OrderId);
        Assert.Matches("^SB[0-9]{10}$", shipped.TrackingNumber);
        Assert.Equal(Tracking.TrackingNumber(orderId), shipped.TrackingNumber);
        Assert.Equal(1, await host.ScalarAsync("SELECT COUNT(*) FROM shipping_decisions WHERE order_id = @p0 AND outcome = 'shipped' AND tracking_number = @p1", orderId.ToString(), shipped.TrackingNumber));
        Assert.Equal(1, await host.ScalarAsync("SELECT COUNT(*) FROM shipping_orders WHERE order_id = @p0", orderId.ToString()));
    }

    [Fact]
    public async Task InventoryUpdated_before_OrderCreated_is_retried_and_ships_once_the_address_arrives()
    {
        await using var host = await StartAsync();
        var orderId = Guid.NewGuid();
        await host.Bus.PublishAsync(Orders.Reserved(orderId));
        await Task.Delay(500);
        Assert.Empty(host.Shipped.Received);

        await host.Bus.PublishAsync(Orders.Created(orderId));
        await ServiceHost.WaitUntilAsync(() => Task.FromResult(!host.Shipped.Received.IsEmpty));
        await host.DrainedAsync("shipping");
        await Task.Delay(200);
        Assert.Equal(orderId, Assert.Single(host.Shipped.Received).OrderId);
        Assert.Equal(0, await host.ScalarAsync("SELECT COUNT(*) FROM sb_dead_letters"));
    }

    [Fact]
    public async Task A_redelivered_or_repeated_InventoryUpdated_ships_once()
    {
        await using var host = await StartAsync();
        var orderId = Guid.NewGuid();
        await host.Bus.PublishAsync(Orders.Created(orderId));
        var copy = new PublishOptions { MessageId = Guid.NewGuid().ToString() };
        await host.Bus.PublishAsync(Orders.Reserved(orderId), copy);
        await host.Bus.PublishAsync(Orders.Reserved(orderId), copy);
        await host.Bus.PublishAsync(Orders.Reserved(orderId));

        await ServiceHost.WaitUntilAsync(() => Task.FromResult(!host.Shipped.Received.IsEmpty));
        await host.DrainedAsync("shipping");
        await host.DrainedAsync("probe");
        Assert.Single(host.Shipped.Received);
        Assert.Equal(1, await host.ScalarAsync("SELECT COUNT(*) FROM shipping_decisions WHERE outcome = 'shipped'"));
    }

    [Fact]
    public async Task A_cancellation_before_the_reservation_means_no_shipment_ever()
    {
        await using var host = await StartAsync();
        var orderId = Guid.NewGuid();
        await host.Bus.PublishAsync(Orders.Created(orderId));
        await host.Bus.PublishAsync(new OrderCancelled(orderId, "not completed within 00:02:00", Orders.T0));
        await ServiceHost.WaitUntilAsync(async () => await host.ScalarAsync("SELECT COUNT(*) FROM shipping_decisions WHERE order_id = @p0 AND outcome = 'cancelled'", orderId.ToString()) == 1);

        await host.Bus.PublishAsync(Orders.Reserved(orderId));
        await host.DrainedAsync("shipping");

        Assert.Equal(0, await host.ScalarAsync("SELECT COUNT(*) FROM shipping_decisions WHERE outcome = 'shipped'"));
        Assert.Empty(host.Shipped.Received);
        Assert.Empty(host.ShipmentsCancelled.Received);
    }

    [Fact]
    public async Task A_reservation_that_arrives_after_the_ship_by_deadline_ships_nothing()
    {
        await using var host = await StartAsync();
        var orderId = Guid.NewGuid();
        await host.Bus.PublishAsync(Orders.Created(orderId, shipBy: DateTimeOffset.UtcNow.AddSeconds(-1)));
        await host.Bus.PublishAsync(Orders.Reserved(orderId));
        await host.DrainedAsync("shipping");

        Assert.Equal(0, await host.ScalarAsync("SELECT COUNT(*) FROM shipping_decisions WHERE outcome = 'shipped'"));
        Assert.Equal(0, await host.ScalarAsync("SELECT COUNT(*) FROM sb_dead_letters"));
        Assert.Empty(host.Shipped.Received);
    }

    [Fact]
    public async Task A_reservation_before_the_ship_by_deadline_ships()
    {
        await using var host = await StartAsync();
        var orderId = Guid.NewGuid();
        await host.Bus.PublishAsync(Orders.Created(orderId, shipBy: DateTimeOffset.UtcNow.AddMinutes(5)));
        await host.Bus.PublishAsync(Orders.Reserved(orderId));

        await ServiceHost.WaitUntilAsync(() => Task.FromResult(!host.Shipped.Received.IsEmpty));
        Assert.Equal(orderId, Assert.Single(host.Shipped.Received).OrderId);
    }

    [Fact]
    public async Task A_cancellation_after_the_shipment_voids_it_once_and_says_so()
    {
        await using var host = await StartAsync();
        var orderId = Guid.NewGuid();
        await host.Bus.PublishAsync(Orders.Created(orderId));
        await host.Bus.PublishAsync(Orders.Reserved(orderId));
        await ServiceHost.WaitUntilAsync(() => Task.FromResult(!host.Shipped.Received.IsEmpty));

        var cancellation = new OrderCancelled(orderId, "not completed within 00:02:00", Orders.T0);
        var copy = new PublishOptions { MessageId = Guid.NewGuid().ToString() };
        await host.Bus.PublishAsync(cancellation, copy);
        await host.Bus.PublishAsync(cancellation, copy);
        await host.Bus.PublishAsync(cancellation);
        await host.Bus.PublishAsync(Orders.Reserved(orderId));
        await ServiceHost.WaitUntilAsync(() => Task.FromResult(!host.ShipmentsCancelled.Received.IsEmpty));
        await host.DrainedAsync("shipping");
        await host.DrainedAsync("probe");

        var voided = Assert.Single(host.ShipmentsCancelled.Received);
        Assert.Equal((orderId, Tracking.ShipmentId(orderId), cancellation.Reason), (voided.OrderId, voided.ShipmentId, voided.Reason));
        Assert.Single(host.Shipped.Received);
        Assert.Equal(1, await host.ScalarAsync("SELECT COUNT(*) FROM shipping_decisions WHERE outcome = 'voided' AND shipment_id = @p0", voided.ShipmentId));
    }

    /// <summary>
    /// A data directory of the version before shipping decisions: its shipments are moved into <c>shipping_decisions</c>
    /// once, so a reservation delivered again after the upgrade ships nothing twice, and a cancellation voids the old
    /// shipment.
    /// </summary>
    [Fact]
    public async Task Shipments_of_an_earlier_version_are_moved_into_the_decisions_once()
    {
        var shippedBefore = Guid.NewGuid();
        await using var host = await ServiceHost.StartAsync(
            (bus, db) => bus.AddShippingService(db, FastRetries),
            before: db => db.ExecuteAsync(
                "CREATE TABLE shipping_orders (order_id TEXT PRIMARY KEY, address TEXT NOT NULL, created BIGINT NOT NULL);" +
                "CREATE TABLE shipping_shipments (order_id TEXT PRIMARY KEY, shipment_id TEXT NOT NULL, tracking_number TEXT NOT NULL, created BIGINT NOT NULL);" +
                $"INSERT INTO shipping_orders VALUES ('{shippedBefore}', '{{}}', 1);" +
                $"INSERT INTO shipping_shipments VALUES ('{shippedBefore}', '{Tracking.ShipmentId(shippedBefore)}', '{Tracking.TrackingNumber(shippedBefore)}', 1);"));

        Assert.Equal(1, await host.ScalarAsync("SELECT COUNT(*) FROM shipping_decisions WHERE order_id = @p0 AND outcome = 'shipped'", shippedBefore.ToString()));
        Assert.Equal(0, await host.ScalarAsync("SELECT COUNT(*) FROM sqlite_master WHERE name = 'shipping_shipments'"));
        Assert.Equal(1, await host.ScalarAsync("SELECT COUNT(*) FROM shipping_shipments_superseded"));

        await host.Bus.PublishAsync(Orders.Reserved(shippedBefore));
        await host.Bus.PublishAsync(new OrderCancelled(shippedBefore, "not completed within 00:02:00", Orders.T0));
        await ServiceHost.WaitUntilAsync(() => Task.FromResult(!host.ShipmentsCancelled.Received.IsEmpty));
        await host.DrainedAsync("shipping");
        Assert.Empty(host.Shipped.Received);
        Assert.Equal(Tracking.ShipmentId(shippedBefore), Assert.Single(host.ShipmentsCancelled.Received).ShipmentId);
    }

    [Fact]
    public void Tracking_numbers_are_stable_per_order()
    {
        var orderId = Guid.NewGuid();
        Assert.Equal(Tracking.TrackingNumber(orderId), Tracking.TrackingNumber(orderId));
        Assert.Equal(12, Tracking.TrackingNumber(orderId).Length);
    }
}
