using Shop.Testing;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Switchboard;
using Switchboard.Testing;

namespace Shop.Payment.Tests;

public sealed class GatewayOutageTests
{
    private const string Endpoint = "payment";

    private static PaymentOptions WithTransientFailures(int failures) => new()
    {
        GatewayMinLatency = TimeSpan.Zero,
        GatewayMaxLatency = TimeSpan.Zero,
        GatewayTransientFailures = failures,
        Retry = new RetryPolicy { ImmediateRetries = 2, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(50), Jitter = 0 },
    };

    [Fact]
    public async Task Failures_past_the_immediate_retries_are_retried_later_and_charge_once()
    {
        await using var service = await PaymentService.StartAsync(WithTransientFailures(4));
        var harness = service.Harness;
        var order = PaymentServiceTests.NewOrder(SimulatedPaymentGateway.ProcessingErrorToken);
        await harness.Bus.PublishAsync(order);

        // The first delivery spends its immediate retries and waits for the delayed one, which only the clock brings.
        var failed = await harness.Failed.At(Endpoint).AnyAsync<OrderCreated>(o => o.OrderId == order.OrderId);
        Assert.IsType<PaymentGatewayUnavailableException>(failed.Exception);
        await harness.Published.NoneAsync<PaymentProcessed>();
        Assert.Equal(0, service.Gateway().ChargeCount);

        await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(5));

        var processed = (await harness.Published.AnyAsync<PaymentProcessed>()).As<PaymentProcessed>();
        await harness.Published.NoneAsync<PaymentFailed>();
        Assert.Single(harness.Published.Select<PaymentProcessed>());
        Assert.Equal(order.OrderId, processed.OrderId);
        Assert.Equal(1, service.Gateway().ChargeCount);
    }

    [Fact]
    public async Task A_gateway_that_keeps_failing_fails_the_payment_instead_of_dead_lettering_it()
    {
        await using var service = await PaymentService.StartAsync(WithTransientFailures(100));
        var harness = service.Harness;
        var order = PaymentServiceTests.NewOrder(SimulatedPaymentGateway.ProcessingErrorToken);
        await harness.Bus.PublishAsync(order);

        await harness.Failed.At(Endpoint).AnyAsync<OrderCreated>(o => o.OrderId == order.OrderId);
        await harness.AdvanceTimeAsync(TimeSpan.FromMinutes(5));

        var failed = (await harness.Published.AnyAsync<PaymentFailed>()).As<PaymentFailed>();
        await harness.DeadLettered.NoneAsync<OrderCreated>();
        Assert.Single(harness.Published.Select<PaymentFailed>());
        Assert.Empty(harness.Published.Select<PaymentProcessed>());
        Assert.Equal(order.OrderId, failed.OrderId);
        Assert.Equal("payment_gateway_unavailable", failed.Reason);
        Assert.Equal(0, service.Gateway().ChargeCount);
        Assert.Equal(0, await harness.Services.GetRequiredService<IDeadLetterQueue>().CountAsync(Endpoint));
    }
}
