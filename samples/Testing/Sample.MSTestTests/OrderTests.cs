using Microsoft.Extensions.DependencyInjection;
using Microsoft.VisualStudio.TestTools.UnitTesting;
using Sample.App;
using Switchboard.Testing;

[assembly: Parallelize(Scope = ExecutionScope.MethodLevel)]

namespace Sample.MSTestTests;

// MSTest makes one instance per test: TestInitialize starts a harness for each, TestCleanup disposes it.
[TestClass]
public sealed class OrderTests
{
    private SwitchboardTestHarness _harness = null!;

    [TestInitialize]
    public async Task StartAsync() => _harness = await SwitchboardTestHarness.StartAsync(bus => bus.AddSampleShop());

    [TestCleanup]
    public async Task StopAsync() => await _harness.DisposeAsync();

    [TestMethod]
    public async Task A_placed_order_is_announced_and_invoiced()
    {
        var orderId = Guid.NewGuid();

        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));

        var placed = await _harness.Published.AnyAsync<OrderPlaced>(e => e.OrderId == orderId);
        Assert.AreEqual(42m, placed.As<OrderPlaced>().Amount);
        await _harness.Consumed.At("billing").AnyAsync<OrderPlaced>(e => e.OrderId == orderId);
        Assert.AreEqual(42m, _harness.Services.GetRequiredService<InvoiceBook>().Find(orderId));
    }

    [TestMethod]
    public async Task An_order_not_paid_in_time_is_cancelled()
    {
        var orderId = Guid.NewGuid();
        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));
        await _harness.SagaAsync<PaymentState>(orderId.ToString());

        await _harness.AdvanceTimeAsync(PaymentSaga.TimeToPay);

        var cancelled = await _harness.Published.AnyAsync<OrderCancelled>(e => e.OrderId == orderId);
        Assert.AreEqual("not paid in time", cancelled.As<OrderCancelled>().Reason);
        var saga = await _harness.SagaAsync<PaymentState>(orderId.ToString(), s => s.Completed);
        Assert.IsTrue(saga.State.Cancelled);
    }

    [TestMethod]
    public async Task A_paid_order_is_not_cancelled()
    {
        var orderId = Guid.NewGuid();
        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 42m));
        await _harness.SagaAsync<PaymentState>(orderId.ToString()); // the payment must not overtake the order
        await _harness.Bus.PublishAsync(new PaymentReceived(orderId, 42m));

        var saga = await _harness.SagaAsync<PaymentState>(orderId.ToString(), s => s.Completed);
        await _harness.AdvanceTimeAsync(PaymentSaga.TimeToPay);

        Assert.IsTrue(saga.State.Paid);
        await _harness.Published.NoneAsync<OrderCancelled>();
    }

    [TestMethod]
    public async Task An_order_without_an_amount_is_dead_lettered()
    {
        var orderId = Guid.NewGuid();

        await _harness.Bus.SendAsync(new PlaceOrder(orderId, "ada", 0m));

        var dead = await _harness.DeadLettered.AnyAsync<PlaceOrder>(c => c.OrderId == orderId);
        Assert.AreEqual(typeof(InvalidOrderException).FullName, dead.DeadLetterReason!.ExceptionType);
        await _harness.Published.NoneAsync<OrderPlaced>();
    }
}
