using Switchboard;
using Microsoft.Extensions.DependencyInjection;
using Shop.Contracts;
using Shop.Testing;

namespace Shop.Payment.Tests;

public sealed class GatewayOutageTests
{
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
        await using var harness = await ServiceHarness.StartAsync((bus, database) => bus.AddPaymentService(database, WithTransientFailures(4)));
        var order = PaymentServiceTests.NewOrder(SimulatedPaymentGateway.ProcessingErrorToken);
        await harness.Bus.PublishAsync(order);

        var processed = Assert.Single(await harness.Recorder.WaitForAsync<PaymentProcessed>(1));
        Assert.Equal(order.OrderId, processed.OrderId);
        Assert.Equal(1, ((SimulatedPaymentGateway)harness.Services.GetRequiredService<IPaymentGateway>()).ChargeCount);
    }

    [Fact]
    public async Task A_gateway_that_keeps_failing_fails_the_payment_instead_of_dead_lettering_it()
    {
        await using var harness = await ServiceHarness.StartAsync((bus, database) => bus.AddPaymentService(database, WithTransientFailures(100)));
        var order = PaymentServiceTests.NewOrder(SimulatedPaymentGateway.ProcessingErrorToken);
        await harness.Bus.PublishAsync(order);

        var failed = Assert.Single(await harness.Recorder.WaitForAsync<PaymentFailed>(1));
        Assert.Equal("payment_gateway_unavailable", failed.Reason);
        Assert.Equal(0, ((SimulatedPaymentGateway)harness.Services.GetRequiredService<IPaymentGateway>()).ChargeCount);
        Assert.Equal(0L, await harness.ScalarAsync<long>("SELECT COUNT(*) FROM sb_dead_letters"));
    }
}
