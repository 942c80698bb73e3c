using Switchboard;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;

namespace Sample.App;

/// <summary>
/// The application's bus registrations: what its Program gives <c>AddSwitchboard</c>, followed there by the transport and
/// store of the environment (<c>.UseSqlite("shop.db").UseSqliteStore()</c>). Tests give the same method to the harness.
/// </summary>
public static class SampleRegistrations
{
    public static SwitchboardBuilder AddSampleShop(this SwitchboardBuilder bus)
    {
        bus.Services.AddSingleton<InvoiceBook>();
        return bus
            .Message<PlaceOrder>("sample.place-order.v1")
            .Message<OrderPlaced>("sample.order-placed.v1")
            .Message<PaymentReceived>("sample.payment-received.v1")
            .Message<OrderCancelled>("sample.order-cancelled.v1")
            .Message<PaymentDeadline>("sample.payment-deadline.v1")
            .Route<PlaceOrder>("orders")
            .Endpoint("orders", e => e
                .Handle<PlaceOrder, PlaceOrderHandler>()
                .Retry(new RetryPolicy { IsPermanent = error => error is InvalidOrderException }))
            .Endpoint("billing", e => e.Handle<OrderPlaced, IssueInvoiceHandler>())
            .Endpoint("payments", e => e.Saga<PaymentSaga, PaymentState>("payment", saga => saga
                .StartedBy<OrderPlaced>(m => m.OrderId.ToString())
                .Handles<PaymentReceived>(m => m.OrderId.ToString())
                .Handles<PaymentDeadline>(m => m.OrderId.ToString())));
    }
}
