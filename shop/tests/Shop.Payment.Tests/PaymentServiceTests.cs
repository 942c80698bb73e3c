using Shop.Testing;
using Shop.Contracts;
using Switchboard;
using Switchboard.Auditing;
using Switchboard.Testing;

namespace Shop.Payment.Tests;

public sealed class PaymentServiceTests : IAsyncLifetime
{
    private const string Endpoint = "payment";

    private static readonly PaymentOptions Options = new()
    {
        GatewayMinLatency = TimeSpan.Zero,
        GatewayMaxLatency = TimeSpan.Zero,
        Retry = new RetryPolicy { ImmediateRetries = 2, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(50), Jitter = 0 },
    };

    private HarnessedService _service = null!;

    public async Task InitializeAsync() => _service = await PaymentService.StartAsync(Options);

    public async Task DisposeAsync() => await _service.DisposeAsync();

    private SwitchboardTestHarness Harness => _service.Harness;

    private SimulatedPaymentGateway Gateway => _service.Gateway();

    private IBus Bus => Harness.Bus;

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

    private Task<long> ChargeRowsAsync(Guid orderId) => _service.ScalarAsync<long>("SELECT COUNT(*) FROM payment_charges WHERE order_id = @p0", orderId.ToString("D"));

    [Fact]
    public async Task An_approved_card_is_charged_and_PaymentProcessed_carries_the_lines()
    {
        var order = NewOrder();
        await Bus.PublishAsync(order);

        var processed = (await Harness.Published.AnyAsync<PaymentProcessed>()).As<PaymentProcessed>();
        await Harness.Published.NoneAsync<PaymentFailed>();
        Assert.Single(Harness.Published.Select<PaymentProcessed>());
        Assert.Equal(order.OrderId, processed.OrderId);
        Assert.Equal(25.50m, processed.Amount);
        Assert.Equal("EUR", processed.Currency);
        Assert.StartsWith("ch_", processed.PaymentId, StringComparison.Ordinal);
        Assert.Equal(order.Lines, processed.Lines);
        Assert.Equal("charged", await _service.ScalarAsync<string>("SELECT status FROM payment_charges WHERE order_id = @p0", order.OrderId.ToString("D")));
        Assert.Equal(2550L, await _service.ScalarAsync<long>("SELECT amount_cents FROM payment_charges WHERE order_id = @p0", order.OrderId.ToString("D")));
        Assert.Equal(processed.PaymentId, await _service.ScalarAsync<string>("SELECT charge_id FROM payment_charges WHERE order_id = @p0", order.OrderId.ToString("D")));
    }

    [Fact]
    public async Task A_declined_card_fails_the_payment_and_charges_nothing()
    {
        var order = NewOrder("tok_chargeDeclined");
        await Bus.PublishAsync(order);

        var failed = (await Harness.Published.AnyAsync<PaymentFailed>()).As<PaymentFailed>();
        await Harness.Published.NoneAsync<PaymentProcessed>();
        Assert.Single(Harness.Published.Select<PaymentFailed>());
        Assert.Equal(order.OrderId, failed.OrderId);
        Assert.Equal("card_declined", failed.Reason);
        Assert.Equal(0, Gateway.ChargeCount);
        Assert.Equal("declined", await _service.ScalarAsync<string>("SELECT status FROM payment_charges WHERE order_id = @p0", order.OrderId.ToString("D")));
    }

    [Fact]
    public async Task A_transient_gateway_failure_is_retried_and_then_approved()
    {
        var order = NewOrder(SimulatedPaymentGateway.ProcessingErrorToken);
        await Bus.PublishAsync(order);

        var processed = (await Harness.Published.AnyAsync<PaymentProcessed>()).As<PaymentProcessed>();
        await Harness.Published.NoneAsync<PaymentFailed>();
        Assert.Single(Harness.Published.Select<PaymentProcessed>());
        Assert.Equal(order.OrderId, processed.OrderId);
        Assert.Equal(1, Gateway.ChargeCount);

        // Retried at once (the first call failed, the second approved), in the same delivery: no delayed retry.
        var delivery = Assert.Single(Harness.Consumed.At(Endpoint).Select<OrderCreated>());
        Assert.Equal(AuditOutcome.Handled, delivery.Outcome);
        Assert.Equal(2, delivery.Attempts);
    }

    [Fact]
    public async Task The_same_OrderCreated_delivered_twice_and_a_second_copy_charge_once()
    {
        var order = NewOrder();
        var messageId = Guid.NewGuid().ToString("N");
        await Bus.PublishAsync(order, new PublishOptions { MessageId = messageId });
        await Bus.PublishAsync(order, new PublishOptions { MessageId = messageId });
        await Bus.PublishAsync(order, new PublishOptions { MessageId = Guid.NewGuid().ToString("N") });

        // Idle: all three were handled (the inbox acknowledged the redelivery), and nothing more can come.
        await Harness.WaitForIdleAsync();
        Assert.Equal(3, Harness.Handled.At(Endpoint).Select<OrderCreated>().Count);
        Assert.Single(Harness.Published.Select<PaymentProcessed>());
        Assert.Empty(Harness.Published.Select<PaymentFailed>());
        Assert.Equal(1, Gateway.ChargeCount);
        Assert.Equal(1L, await ChargeRowsAsync(order.OrderId));
    }

    [Fact]
    public async Task InventoryUpdateFailed_twice_refunds_once()
    {
        var order = NewOrder();
        await Bus.PublishAsync(order);
        var processed = (await Harness.Published.AnyAsync<PaymentProcessed>()).As<PaymentProcessed>();

        await Bus.PublishAsync(new InventoryUpdateFailed(order.OrderId, "out of stock: SKU-0001", DateTimeOffset.UtcNow));
        await Bus.PublishAsync(new InventoryUpdateFailed(order.OrderId, "out of stock: SKU-0001", DateTimeOffset.UtcNow));
        var refunded = (await Harness.Published.AnyAsync<PaymentRefunded>()).As<PaymentRefunded>();
        await Harness.Handled.At(Endpoint).CountAsync<InventoryUpdateFailed>(2);
        await Harness.WaitForIdleAsync();
        await Bus.PublishAsync(new OrderCancelled(order.OrderId, "timed out", DateTimeOffset.UtcNow));
        await Harness.Handled.At(Endpoint).AnyAsync<OrderCancelled>();
        await Harness.WaitForIdleAsync();

        Assert.Equal(order.OrderId, refunded.OrderId);
        Assert.Equal(processed.PaymentId, refunded.PaymentId);
        Assert.Equal(25.50m, refunded.Amount);
        Assert.Equal("out of stock: SKU-0001", refunded.Reason);
        Assert.Single(Harness.Published.Select<PaymentRefunded>());
        Assert.Equal(1, Gateway.RefundCount);
        Assert.Equal(1L, await _service.ScalarAsync<long>("SELECT COUNT(*) FROM payment_refunds WHERE order_id = @p0", order.OrderId.ToString("D")));
    }

    [Fact]
    public async Task A_cancelled_charged_order_is_refunded_once()
    {
        var order = NewOrder();
        await Bus.PublishAsync(order);
        await Harness.Published.AnyAsync<PaymentProcessed>();

        await Bus.PublishAsync(new OrderCancelled(order.OrderId, "timed out", DateTimeOffset.UtcNow));
        await Bus.PublishAsync(new OrderCancelled(order.OrderId, "timed out", DateTimeOffset.UtcNow));
        await Harness.Published.AnyAsync<PaymentRefunded>();
        await Harness.Handled.At(Endpoint).CountAsync<OrderCancelled>(2);
        await Harness.WaitForIdleAsync();

        Assert.Equal("timed out", Assert.Single(Harness.Published.Messages<PaymentRefunded>()).Reason);
        Assert.Equal(1, Gateway.RefundCount);
    }

    [Fact]
    public async Task A_declined_order_is_never_refunded()
    {
        var order = NewOrder("tok_chargeDeclined");
        await Bus.PublishAsync(order);
        await Harness.Published.AnyAsync<PaymentFailed>();

        await Bus.PublishAsync(new InventoryUpdateFailed(order.OrderId, "out of stock", DateTimeOffset.UtcNow));
        await Bus.PublishAsync(new OrderCancelled(order.OrderId, "timed out", DateTimeOffset.UtcNow));
        await Harness.Handled.At(Endpoint).AnyAsync<InventoryUpdateFailed>();
        await Harness.Handled.At(Endpoint).AnyAsync<OrderCancelled>();

        await Harness.Published.NoneAsync<PaymentRefunded>();
        Assert.Equal(0, Gateway.RefundCount);
        Assert.Equal(0L, await _service.ScalarAsync<long>("SELECT COUNT(*) FROM payment_refunds"));
    }

    [Fact]
    public async Task An_order_cancelled_before_it_was_charged_is_never_charged()
    {
        var order = NewOrder();
        await Bus.PublishAsync(new OrderCancelled(order.OrderId, "timed out", DateTimeOffset.UtcNow));
        await Harness.Handled.At(Endpoint).AnyAsync<OrderCancelled>();
        await Bus.PublishAsync(order);
        await Harness.Handled.At(Endpoint).AnyAsync<OrderCreated>();

        await Harness.Published.NoneAsync<PaymentProcessed>();
        await Harness.Published.NoneAsync<PaymentRefunded>();
        await Harness.Published.NoneAsync<PaymentFailed>();
        Assert.Equal(0, Gateway.ChargeCount);
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
        await Harness.Handled.At(Endpoint).AnyAsync<OrderCancelled>();

        await Bus.PublishAsync(order);
        await Harness.Published.AnyAsync<PaymentRefunded>();
        await Harness.Published.NoneAsync<PaymentProcessed>();

        Assert.Equal(1, Gateway.ChargeCount);
        Assert.Equal(1, Gateway.RefundCount);
        Assert.Equal("timed out", Assert.Single(Harness.Published.Messages<PaymentRefunded>()).Reason);
        Assert.Equal("charged", await _service.ScalarAsync<string>("SELECT status FROM payment_charges WHERE order_id = @p0", order.OrderId.ToString("D")));
    }
}
