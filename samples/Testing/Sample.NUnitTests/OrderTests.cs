using Microsoft.Extensions.DependencyInjection;
using NUnit.Framework;
using Sample.App;
using Switchboard.Testing;

namespace Sample.NUnitTests;

// NUnit shares one instance among a fixture's tests: SetUp starts a fresh harness for each, TearDown disposes it.
[TestFixture]
public sealed class OrderTests
{
    private SwitchboardTestHarness _harness = null!;

    [SetUp]
    public async Task StartAsync() => _harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop());

    [TearDown]
    public async Task StopAsync() => await _harness.DisposeAsync();

    [Test]
    public async Task A_placed_order_is_announced_and_invoiced()
    {
        var orderId = Guid.NewGuid();

        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));

        var placed = await _harness.Published.AnyAsync<OrderPlaced>(e => e.OrderId == orderId);
        Assert.That(placed.As<OrderPlaced>().Amount, Is.EqualTo(42m));
        await _harness.Consumed.At("billing").AnyAsync<OrderPlaced>(e => e.OrderId == orderId);
        Assert.That(_harness.Services.GetRequiredService<InvoiceBook>().Find(orderId), Is.EqualTo(42m));
    }

    [Test]
    public async Task An_order_not_paid_in_time_is_cancelled()
    {
        var orderId = Guid.NewGuid();
        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));
        await _harness.SagaAsync<PaymentState>(orderId.ToString());

        await _harness.AdvanceTimeAsync(PaymentSaga.TimeToPay);

        var cancelled = await _harness.Published.AnyAsync<OrderCancelled>(e => e.OrderId == orderId);
        Assert.That(cancelled.As<OrderCancelled>().Reason, Is.EqualTo("not paid in time"));
        var saga = await _harness.SagaAsync<PaymentState>(orderId.ToString(), s => s.Completed);
        Assert.That(saga.State.Cancelled, Is.True);
    }

    [Test]
    public async Task A_paid_order_is_not_cancelled()
    {
        var orderId = Guid.NewGuid();
        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));
        await _harness.SagaAsync<PaymentState>(orderId.ToString()); // the payment must not overtake the order
        await _harness.Bus.PublishAsync(new PaymentReceived(orderId, 42m));

        var saga = await _harness.SagaAsync<PaymentState>(orderId.ToString(), s => s.Completed);
        await _harness.AdvanceTimeAsync(PaymentSaga.TimeToPay);

        Assert.That(saga.State.Paid, Is.True);
        await _harness.Published.NoneAsync<OrderCancelled>();
    }

    [Test]
    public async Task An_order_without_an_amount_is_dead_lettered()
    {
        var orderId = Guid.NewGuid();

        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 0m));

        var dead = await _harness.DeadLettered.AnyAsync<PlaceOrder>(c => c.OrderId == orderId);
        Assert.That(dead.DeadLetterReason!.ExceptionType, Is.EqualTo(typeof(InvalidOrderException).FullName));
        await _harness.Published.NoneAsync<OrderPlaced>();
    }
}
