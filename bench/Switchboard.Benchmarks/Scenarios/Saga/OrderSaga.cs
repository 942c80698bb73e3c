using Switchboard.Sagas;

namespace Switchboard.Benchmarks.Scenarios.Saga;

/// <summary>
/// The orchestrating saga of the <c>saga</c> scenario, one instance per order id: submitted → capture payment →
/// reserve stock → ship (Completed), or, when the reservation fails, refund (Cancelled). Each step checks that the
/// order is where that message expects it; anything else fails the attempt.
/// </summary>
public sealed class OrderSaga(SagaTransition transition) :
    ISagaHandler<OrderSagaState, OrderSubmitted>,
    ISagaHandler<OrderSagaState, PaymentCaptured>,
    ISagaHandler<OrderSagaState, StockReserved>,
    ISagaHandler<OrderSagaState, StockReservationFailed>,
    ISagaHandler<OrderSagaState, OrderShipped>,
    ISagaHandler<OrderSagaState, PaymentRefunded>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(OrderSubmitted message, ISagaContext<OrderSagaState> saga, CancellationToken cancellationToken)
    {
        saga.State.Amount = message.Amount;
        Move<OrderSubmitted>(saga, message.OrderId, OrderStatus.None, OrderStatus.AwaitingPayment);
        return saga.SendAsync(new CapturePayment(message.OrderId, message.Amount), cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentCaptured message, ISagaContext<OrderSagaState> saga, CancellationToken cancellationToken)
    {
        Move<PaymentCaptured>(saga, message.OrderId, OrderStatus.AwaitingPayment, OrderStatus.AwaitingStock);
        return saga.SendAsync(new ReserveStock(message.OrderId, message.Amount), cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(StockReserved message, ISagaContext<OrderSagaState> saga, CancellationToken cancellationToken)
    {
        Move<StockReserved>(saga, message.OrderId, OrderStatus.AwaitingStock, OrderStatus.AwaitingShipment);
        return saga.SendAsync(new ShipOrder(message.OrderId, message.Amount), cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(StockReservationFailed message, ISagaContext<OrderSagaState> saga, CancellationToken cancellationToken)
    {
        Move<StockReservationFailed>(saga, message.OrderId, OrderStatus.AwaitingStock, OrderStatus.AwaitingRefund);
        return saga.SendAsync(new RefundPayment(message.OrderId, message.Amount), cancellationToken: cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderShipped message, ISagaContext<OrderSagaState> saga, CancellationToken cancellationToken)
    {
        Move<OrderShipped>(saga, message.OrderId, OrderStatus.AwaitingShipment, OrderStatus.Completed);
        saga.Complete();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentRefunded message, ISagaContext<OrderSagaState> saga, CancellationToken cancellationToken)
    {
        Move<PaymentRefunded>(saga, message.OrderId, OrderStatus.AwaitingRefund, OrderStatus.Cancelled);
        saga.Complete();
        return ValueTask.CompletedTask;
    }

    private void Move<TMessage>(ISagaContext<OrderSagaState> saga, Guid orderId, OrderStatus from, OrderStatus to)
    {
        var state = saga.State;
        if (state.Status != from)
        {
            throw new InvalidOperationException($"Order {saga.Key}: {typeof(TMessage).Name} arrived in state {state.Status}, expected {from}.");
        }

        state.Status = to;
        transition.Moved(orderId, state.Amount, to);
    }
}
