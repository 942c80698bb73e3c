using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.Testing;
using Switchboard;

namespace Shop.Payment.Tests;

public sealed class PaymentServiceTests : IAsyncLifetime
{
    private static readonly PaymentOptions Options = new()
    {
        GatewayMinLatency = TimeSpan.Zero,
        GatewayMaxLatency = TimeSpan.Zero,
        Retry = new RetryPolicy { ImmediateRetries = 2, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(50), Jitter = 0 },
    };

    private ServiceHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await ServiceHarness.StartAsync((bus, database) => bus.AddPaymentService(database, Options));

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    private SimulatedPaymentGateway Gateway => (SimulatedPaymentGateway)_harness.Services.GetRequiredService<IPaymentGateway>();

    private IBus Bus => _harness.Bus;

    internal static OrderCreated NewOrder(string token = "tok_visa", decimal total = 25.50m) => new(
        Guid.NewGuid(),
        "customer-1",
        "ada@example.com",
        [new OrderLine("SKU-0001", 3, 8.50m)],
        total,
        Catalog.Currency,
        token,
        new ShippingAddress("Ada", "1 Main St", null, "Paris", "75001", "FR"),
        DateTimeOffset.UtcNow);

    private Task<long> ChargeRowsAsync(Guid orderId) => _harness.ScalarAsync<long>("SELECT COUNT(*) FROM payment_charges WHERE order_id = @p0", orderId.ToString("D"));

    [Fact]
    public async Task An_approved_card_is_charged_and_PaymentProcessed_carries_the_lines()
    {
        var order = NewOrder();
        await Bus.PublishAsync(order);

        var processed = Assert.Single(await _harness.Recorder.WaitForAsync<PaymentProcessed>(1));
        Assert.Equal(order.OrderId, processed.OrderId);
        Assert.Equal(25.50m, processed.Amount);
        Assert.Equal("EUR", processed.Currency);
        Assert.StartsWith("ch_", processed.PaymentId, StringComparison.Ordinal);
        Assert.Equal(order.Lines, processed.Lines);
        Assert.Equal("charged", await _harness.ScalarAsync<string>("SELECT status FROM payment_charges WHERE order_id = @p0", order.OrderId.ToString("D")));
        Assert.Equal(2550L, await _harness.ScalarAsync<long>("SELECT amount_cents FROM payment_charges WHERE order_id = @p0", order.OrderId.ToString("D")));
        Assert.Equal(processed.PaymentId, await _harness.ScalarAsync<string>("SELECT charge_id FROM payment_charges WHERE order_id = @p0", order.OrderId.ToString("D")));
        Assert.Empty(_harness.Recorder.Of<PaymentFailed>());
    }

    [Fact]
    public async Task A_declined_card_fails_the_payment_and_charges_nothing()
    {
        var order = NewOrder("tok_chargeDeclined");
        await Bus.PublishAsync(order);

        var failed = Assert.Single(await _harness.Recorder.WaitForAsync<PaymentFailed>(1));
        Assert.Equal(order.OrderId, failed.OrderId);
        Assert.Equal("card_declined", failed.Reason);
        Assert.Equal(0, Gateway.ChargeCount);
        Assert.Equal("declined", await _harness.ScalarAsync<string>("SELECT status FROM payment_charges WHERE order_id = @p0", order.OrderId.ToString("D")));
        Assert.Empty(_harness.Recorder.Of<PaymentProcessed>());
    }

    [Fact]
    public async Task A_transient_gateway_failure_is_retried_and_then_approved()
    {
        var order = NewOrder(SimulatedPaymentGateway.ProcessingErrorToken);
        await Bus.PublishAsync(order);

        var processed = Assert.Single(await _harness.Recorder.WaitForAsync<PaymentProcessed>(1));
        Assert.Equal(order.OrderId, processed.OrderId);
        Assert.Equal(1, Gateway.ChargeCount);
        Assert.Empty(_harness.Recorder.Of<PaymentFailed>());
    }

    [Fact]
    public async Task The_same_OrderCreated_delivered_twice_and_a_second_copy_charge_once()
    {
        var order = NewOrder();
        var messageId = Guid.NewGuid().ToString("N");
        await Bus.PublishAsync(order, new PublishOptions { MessageId = messageId });
        await Bus.PublishAsync(order, new PublishOptions { MessageId = messageId });
        await Bus.PublishAsync(order, new PublishOptions { MessageId = Guid.NewGuid().ToString("N") });

        await _harness.Recorder.WaitForAsync<PaymentProcessed>(1);
        await _harness.WaitUntilDrainedAsync("payment");
        await Task.Delay(200);

        Assert.Single(_harness.Recorder.Of<PaymentProcessed>());
        Assert.Equal(1, Gateway.ChargeCount);
        Assert.Equal(1L, await ChargeRowsAsync(order.OrderId));
    }

    [Fact]
    public async Task InventoryUpdateFailed_twice_refunds_once()
    {
        var order = NewOrder();
        await Bus.PublishAsync(order);
        var processed = Assert.Single(await _harness.Recorder.WaitForAsync<PaymentProcessed>(1));

        await Bus.PublishAsync(new InventoryUpdateFailed(order.OrderId, "out of stock: SKU-0001", DateTimeOffset.UtcNow));
        await Bus.PublishAsync(new InventoryUpdateFailed(order.OrderId, "out of stock: SKU-0001", DateTimeOffset.UtcNow));
        var refunded = Assert.Single(await _harness.Recorder.WaitForAsync<PaymentRefunded>(1));
        await _harness.WaitUntilDrainedAsync("payment");
        await Bus.PublishAsync(new OrderCancelled(order.OrderId, "timed out", DateTimeOffset.UtcNow));
        await _harness.WaitUntilDrainedAsync("payment");
        await Task.Delay(200);

        Assert.Equal(order.OrderId, refunded.OrderId);
        Assert.Equal(processed.PaymentId, refunded.PaymentId);
        Assert.Equal(25.50m, refunded.Amount);
        Assert.Equal("out of stock: SKU-0001", refunded.Reason);
        Assert.Single(_harness.Recorder.Of<PaymentRefunded>());
        Assert.Equal(1, Gateway.RefundCount);
        Assert.Equal(1L, await _harness.ScalarAsync<long>("SELECT COUNT(*) FROM payment_refunds WHERE order_id = @p0", order.OrderId.ToString("D")));
    }

    [Fact]
    public async Task A_cancelled_charged_order_is_refunded_once()
    {
        var order = NewOrder();
        await Bus.PublishAsync(order);
        await _harness.Recorder.WaitForAsync<PaymentProcessed>(1);

        await Bus.PublishAsync(new OrderCancelled(order.OrderId, "timed out", DateTimeOffset.UtcNow));
        await Bus.PublishAsync(new OrderCancelled(order.OrderId, "timed out", DateTimeOffset.UtcNow));
        await _harness.Recorder.WaitForAsync<PaymentRefunded>(1);
        await _harness.WaitUntilDrainedAsync("payment");
        await Task.Delay(200);

        Assert.Equal("timed out", Assert.Single(_harness.Recorder.Of<PaymentRefunded>()).Reason);
        Assert.Equal(1, Gateway.RefundCount);
    }

    [Fact]
    public async Task A_declined_order_is_never_refunded()
    {
        var order = NewOrder("tok_chargeDeclined");
        await Bus.PublishAsync(order);
        await _harness.Recorder.WaitForAsync<PaymentFailed>(1);

        await Bus.PublishAsync(new InventoryUpdateFailed(order.OrderId, "out of stock", DateTimeOffset.UtcNow));
        await Bus.PublishAsync(new OrderCancelled(order.OrderId, "timed out", DateTimeOffset.UtcNow));
        await _harness.WaitUntilDrainedAsync("payment");
        await Task.Delay(200);

        Assert.Empty(_harness.Recorder.Of<PaymentRefunded>());
        Assert.Equal(0, Gateway.RefundCount);
        Assert.Equal(0L, await _harness.ScalarAsync<long>("SELECT COUNT(*) FROM payment_refunds"));
    }

    [Fact]
    public async Task An_order_cancelled_before_it_was_charged_is_never_charged()
    {
        var order = NewOrder();
        await Bus.PublishAsync(new OrderCancelled(order.OrderId, "timed out", DateTimeOffset.UtcNow));
        await _harness.WaitUntilDrainedAsync("payment");
        await Bus.PublishAsync(order);
        await _harness.WaitUntilDrainedAsync("payment");
        await Task.Delay(200);

        Assert.Equal(0, Gateway.ChargeCount);
        Assert.Empty(_harness.Recorder.Of<PaymentProcessed>());
        Assert.Empty(_harness.Recorder.Of<PaymentRefunded>());
    }

    /// <summary>
    /// An earlier attempt charged the order at the gateway but never recorded it (it lost the race to a cancellation, or
    /// the process stopped), and the cancellation came first: the next attempt finds the charge at the gateway, records
    /// it on the cancellation and refunds it, once; nothing is charged again and no PaymentProcessed goes out.
    /// </summary>
    [Fact]
    public async Task A_charge_made_before_the_cancellation_was_recorded_is_found_and_refunded_once()
    {
        var order = NewOrder();
        await Gateway.ChargeAsync(order.OrderId.ToString("D"), "tok_visa", order.Total, order.Currency!);
        await Bus.PublishAsync(new OrderCancelled(order.OrderId, "timed out", DateTimeOffset.UtcNow));
        await _harness.WaitUntilDrainedAsync("payment");

        await Bus.PublishAsync(order);
        await _harness.Recorder.WaitForAsync<PaymentRefunded>(1);
        await _harness.WaitUntilDrainedAsync("payment");
        await Task.Delay(200);

        Assert.Equal(1, Gateway.ChargeCount);
        Assert.Equal(1, Gateway.RefundCount);
        Assert.Equal("timed out", Assert.Single(_harness.Recorder.Of<PaymentRefunded>()).Reason);
        Assert.Empty(_harness.Recorder.Of<PaymentProcessed>());
        Assert.Equal("charged", await _harness.ScalarAsync<string>("SELECT status FROM payment_charges WHERE order_id = @p0", order.OrderId.ToString("D")));
    }
}
