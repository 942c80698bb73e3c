using Microsoft.Extensions.DependencyInjection;
using Sample.App;
using Switchboard.Testing;
using Xunit;

namespace Sample.XunitTests;

// xUnit makes one instance per test: IAsyncLifetime starts a harness for each and disposes it after.
public sealed class OrderTests : IAsyncLifetime
{
    private SwitchboardTestHarness _harness = null!;

    public async Task InitializeAsync() => _harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop());

    public async Task DisposeAsync() => await _harness.DisposeAsync();

    [Fact]
    public async Task A_placed_order_is_announced_and_invoiced()
    {
        var orderId = Guid.NewGuid();

        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));

        var placed = await _harness.Published.AnyAsync<OrderPlaced>(e => e.OrderId == orderId);
        Assert.Equal(42m, placed.As<OrderPlaced>().Amount);
        await _harness.Consumed.At("billing").AnyAsync<OrderPlaced>(e => e.OrderId == orderId);
        Assert.Equal(42m, _harness.Services.GetRequiredService<InvoiceBook>().Find(orderId));
    }

    [Fact]
    public async Task An_order_not_paid_in_time_is_cancelled()
    {
        var orderId = Guid.NewGuid();
        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));
        await _harness.SagaAsync<PaymentState>(orderId.ToString());

        await _harness.AdvanceTimeAsync(PaymentSaga.TimeToPay);

        var cancelled = await _harness.Published.AnyAsync<OrderCancelled>(e => e.OrderId == orderId);
        Assert.Equal("not paid in time", cancelled.As<OrderCancelled>().Reason);
        var saga = await _harness.SagaAsync<PaymentState>(orderId.ToString(), s => s.Completed);
        Assert.True(saga.State.Cancelled);
    }

    [Fact]
    public async Task A_paid_order_is_not_cancelled()
    {
        var orderId = Guid.NewGuid();
        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));
        await _harness.SagaAsync<PaymentState>(orderId.ToString()); // the payment must not overtake the order
        await _harness.Bus.PublishAsync(new PaymentReceived(orderId, 42m));

        var saga = await _harness.SagaAsync<PaymentState>(orderId.ToString(), s => s.Completed);
        await _harness.AdvanceTimeAsync(PaymentSaga.TimeToPay);

        Assert.True(saga.State.Paid);
        await _harness.Published.NoneAsync<OrderCancelled>();
    }

    [Fact]
    public async Task An_order_without_an_amount_is_dead_lettered()
    {
        var orderId = Guid.NewGuid();

        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 0m));

        var dead = await _harness.DeadLettered.AnyAsync<PlaceOrder>(c => c.OrderId == orderId);
        Assert.Equal(typeof(InvalidOrderException).FullName, dead.DeadLetterReason!.ExceptionType);
        await _harness.Published.NoneAsync<OrderPlaced>();
    }
}
