using Switchboard.Sagas;

namespace Sample.App;

/// <summary>The payment saga's state.</summary>
public sealed class PaymentState
{
    public decimal Amount { get; set; }

    public bool Paid { get; set; }

    public bool Cancelled { get; set; }
}

/// <summary>
/// Waits for the payment of a placed order: paid, it completes; not paid within <see cref="TimeToPay"/>, it cancels the order.
/// </summary>
public sealed class PaymentSaga :
    ISagaHandler<PaymentState, OrderPlaced>,
    ISagaHandler<PaymentState, PaymentReceived>,
    ISagaHandler<PaymentState, PaymentDeadline>
{
    public static readonly TimeSpan TimeToPay = TimeSpan.FromMinutes(30);

    public async ValueTask HandleAsync(OrderPlaced message, ISagaContext<PaymentState> saga, CancellationToken cancellationToken)
    {
        saga.State.Amount = message.Amount;
        await saga.RequestTimeoutAsync(new PaymentDeadline(message.OrderId), TimeToPay, cancellationToken);
    }

    public ValueTask HandleAsync(PaymentReceived message, ISagaContext<PaymentState> saga, CancellationToken cancellationToken)
    {
        saga.State.Paid = true;
        saga.Complete();
        return ValueTask.CompletedTask;
    }

    public async ValueTask HandleAsync(PaymentDeadline message, ISagaContext<PaymentState> saga, CancellationToken cancellationToken)
    {
        if (saga.State.Paid || saga.IsCompleted)
        {
            return;
        }

        saga.State.Cancelled = true;
        saga.Complete();
        await saga.PublishAsync(new OrderCancelled(message.OrderId, "not paid in time"), cancellationToken: cancellationToken);
    }
}
