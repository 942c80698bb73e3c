using Shop.Contracts;
using Shop.Testing;
using Switchboard;
using Switchboard.Testing;

namespace Shop.Inventory.Tests;

public sealed class InventoryServiceTests
{
    // The catalog, with SKU-0010 down to 5 units so that it runs out.
    internal static readonly InventoryOptions Options = new()
    {
        Products = [.. Catalog.Products.Select(p => p.Sku == "SKU-0010" ? p with { InitialStock = 5 } : p)],
    };

    internal static PaymentProcessed Paid(Guid orderId, params OrderLine[] lines) =>
        new(orderId, "ch_test", lines.Sum(l => l.Quantity * l.UnitPrice), Catalog.Currency, lines, DateTimeOffset.UtcNow);

    internal static OrderLine Line(string sku, int quantity) => new(sku, quantity, Catalog.Find(sku)?.Price ?? 1m);

    private static Task<HarnessedService> StartAsync() => HarnessedService.StartAsync((bus, database) => bus.AddInventoryService(database, Options));

    private static Task<long> AvailableAsync(HarnessedService service, string sku) =>
        service.ScalarAsync<long>("SELECT available FROM inventory_stock WHERE sku = @p0", sku);

    private static Task<long> ReservedAsync(HarnessedService service, string sku) =>
        service.ScalarAsync<long>("SELECT reserved FROM inventory_stock WHERE sku = @p0", sku);

    private static Task<long> AvailableAsync(ServiceHarness harness, string sku) =>
        harness.ScalarAsync<long>("SELECT available FROM inventory_stock WHERE sku = @p0", sku);

    private static Task<long> ReservedAsync(ServiceHarness harness, string sku) =>
        harness.ScalarAsync<long>("SELECT reserved FROM inventory_stock WHERE sku = @p0", sku);

    [Fact]
    public async Task Stock_is_seeded_from_the_catalog()
    {
        await using var service = await StartAsync();
        Assert.Equal(Catalog.Products.Count, await service.ScalarAsync<long>("SELECT COUNT(*) FROM inventory_stock"));
        Assert.Equal(100_000L, await AvailableAsync(service, "SKU-0001"));
        Assert.Equal(5L, await AvailableAsync(service, "SKU-0010"));
        Assert.Equal(0L, await service.ScalarAsync<long>("SELECT SUM(reserved) FROM inventory_stock"));
    }

    [Fact]
    public async Task Every_line_is_reserved()
    {
        await using var service = await StartAsync();
        var harness = service.Harness;
        var orderId = Guid.NewGuid();
        await harness.Bus.PublishAsync(Paid(orderId, Line("SKU-0001", 2), Line("SKU-0002", 1), Line("SKU-0001", 1)));

        var updated = (await harness.Published.AnyAsync<InventoryUpdated>()).As<InventoryUpdated>();
        await harness.WaitForIdleAsync();
        Assert.Single(harness.Published.Select<InventoryUpdated>());
        Assert.Equal(orderId, updated.OrderId);
        Assert.Equal(3, updated.Lines.Count);
        Assert.Equal(99_997L, await AvailableAsync(service, "SKU-0001"));
        Assert.Equal(3L, await ReservedAsync(service, "SKU-0001"));
        Assert.Equal(99_999L, await AvailableAsync(service, "SKU-0002"));
        Assert.Equal(1L, await ReservedAsync(service, "SKU-0002"));
        Assert.Equal("reserved", await service.ScalarAsync<string>("SELECT status FROM inventory_reservations WHERE order_id = @p0", orderId.ToString("D")));
    }

    [Fact]
    public async Task A_line_out_of_stock_fails_the_order_and_changes_no_stock()
    {
        await using var service = await StartAsync();
        var harness = service.Harness;
        var orderId = Guid.NewGuid();
        await harness.Bus.PublishAsync(Paid(orderId, Line("SKU-0001", 1), Line("SKU-0010", 6), Line("SKU-0002", 2)));

        var failed = (await harness.Published.AnyAsync<InventoryUpdateFailed>()).As<InventoryUpdateFailed>();
        await harness.Published.NoneAsync<InventoryUpdated>();
        Assert.Single(harness.Published.Select<InventoryUpdateFailed>());
        Assert.Equal(orderId, failed.OrderId);
        Assert.Contains("SKU-0010", failed.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("SKU-0001", failed.Reason, StringComparison.Ordinal);
        Assert.Equal(100_000L, await AvailableAsync(service, "SKU-0001"));
        Assert.Equal(100_000L, await AvailableAsync(service, "SKU-0002"));
        Assert.Equal(5L, await AvailableAsync(service, "SKU-0010"));
        Assert.Equal(0L, await service.ScalarAsync<long>("SELECT SUM(reserved) FROM inventory_stock"));
        Assert.Equal("failed", await service.ScalarAsync<string>("SELECT status FROM inventory_reservations WHERE order_id = @p0", orderId.ToString("D")));
    }

    [Fact]
    public async Task An_unknown_sku_and_an_invalid_quantity_fail_the_order()
    {
        await using var service = await StartAsync();
        var harness = service.Harness;
        var unknown = Guid.NewGuid();
        var invalid = Guid.NewGuid();
        await harness.Bus.PublishAsync(Paid(unknown, Line("SKU-0001", 1), Line("SKU-9999", 1)));
        await harness.Bus.PublishAsync(Paid(invalid, Line("SKU-0001", 0)));

        var failures = (await harness.Published.CountAsync<InventoryUpdateFailed>(2)).Select(r => r.As<InventoryUpdateFailed>()).ToList();
        Assert.Contains("SKU-9999", failures.Single(f => f.OrderId == unknown).Reason, StringComparison.Ordinal);
        Assert.Contains("invalid", failures.Single(f => f.OrderId == invalid).Reason, StringComparison.Ordinal);
        Assert.Equal(100_000L, await AvailableAsync(service, "SKU-0001"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public async Task Twenty_competing_orders_for_five_units_reserve_exactly_five(int instances)
    {
        // Real instances competing for one SQLite file (the test harness runs one bus): ServiceHarness.
        await using var harness = await ServiceHarness.StartAsync((bus, database) => bus.AddInventoryService(database, Options), instances);
        var orders = Enumerable.Range(0, 20).Select(_ => Guid.NewGuid()).ToList();
        await Task.WhenAll(orders.Select(id => harness.Bus.PublishAsync(Paid(id, Line("SKU-0001", 1), Line("SKU-0010", 1))).AsTask()));

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (harness.Recorder.Of<InventoryUpdated>().Count + harness.Recorder.Of<InventoryUpdateFailed>().Count < 20 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.Equal(5, harness.Recorder.Of<InventoryUpdated>().Count);
        Assert.Equal(15, harness.Recorder.Of<InventoryUpdateFailed>().Count);
        Assert.Equal(0L, await AvailableAsync(harness, "SKU-0010"));
        Assert.Equal(5L, await ReservedAsync(harness, "SKU-0010"));
        Assert.Equal(99_995L, await AvailableAsync(harness, "SKU-0001"));
        Assert.Equal(5L, await ReservedAsync(harness, "SKU-0001"));
        Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT COUNT(*) FROM inventory_stock WHERE available < 0 OR reserved < 0"));
        Assert.Equal(Catalog.Products.Sum(p => (long)p.InitialStock) - 15, await harness.ScalarAsync<long>("SELECT SUM(available + reserved) FROM inventory_stock"));
    }

    [Fact]
    public async Task A_redelivered_PaymentProcessed_reserves_once()
    {
        await using var service = await StartAsync();
        var harness = service.Harness;
        var message = Paid(Guid.NewGuid(), Line("SKU-0009", 2));
        var messageId = Guid.NewGuid().ToString("N");
        await harness.Bus.PublishAsync(message, new PublishOptions { MessageId = messageId });
        await harness.Bus.PublishAsync(message, new PublishOptions { MessageId = messageId });
        await harness.Bus.PublishAsync(message, new PublishOptions { MessageId = Guid.NewGuid().ToString("N") });

        // Idle: all three were handled (the inbox acknowledged the redelivery), and nothing more can come.
        await harness.WaitForIdleAsync();
        Assert.Equal(3, harness.Handled.At("inventory").Select<PaymentProcessed>().Count);
        Assert.Single(harness.Published.Select<InventoryUpdated>());
        Assert.Equal(48L, await AvailableAsync(service, "SKU-0009"));
        Assert.Equal(2L, await ReservedAsync(service, "SKU-0009"));
        Assert.Equal(1L, await service.ScalarAsync<long>("SELECT COUNT(*) FROM inventory_reservations"));
    }

    [Fact]
    public async Task A_cancellation_releases_the_reservation_once()
    {
        await using var service = await StartAsync();
        var harness = service.Harness;
        var orderId = Guid.NewGuid();
        await harness.Bus.PublishAsync(Paid(orderId, Line("SKU-0009", 3)));
        await harness.Published.AnyAsync<InventoryUpdated>();
        await harness.WaitForIdleAsync();
        Assert.Equal(47L, await AvailableAsync(service, "SKU-0009"));

        await harness.Bus.PublishAsync(new OrderCancelled(orderId, "timed out", DateTimeOffset.UtcNow));
        await harness.Bus.PublishAsync(new OrderCancelled(orderId, "timed out", DateTimeOffset.UtcNow));
        await harness.Handled.At("inventory").CountAsync<OrderCancelled>(2);
        await harness.WaitForIdleAsync();

        Assert.Equal(50L, await AvailableAsync(service, "SKU-0009"));
        Assert.Equal(0L, await ReservedAsync(service, "SKU-0009"));
        Assert.Equal("released", await service.ScalarAsync<string>("SELECT status FROM inventory_reservations WHERE order_id = @p0", orderId.ToString("D")));
    }

    [Fact]
    public async Task An_order_cancelled_before_it_was_paid_is_never_reserved()
    {
        await using var service = await StartAsync();
        var harness = service.Harness;
        var orderId = Guid.NewGuid();
        await harness.Bus.PublishAsync(new OrderCancelled(orderId, "timed out", DateTimeOffset.UtcNow));
        await harness.Handled.At("inventory").AnyAsync<OrderCancelled>();
        await harness.Bus.PublishAsync(Paid(orderId, Line("SKU-0009", 3)));
        await harness.Handled.At("inventory").AnyAsync<PaymentProcessed>();

        await harness.Published.NoneAsync<InventoryUpdated>();
        Assert.Equal(50L, await AvailableAsync(service, "SKU-0009"));
    }
}
