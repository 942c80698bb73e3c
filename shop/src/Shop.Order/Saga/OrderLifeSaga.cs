using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Order.Domain;
using Switchboard.Sagas;

namespace Shop.Order.Saga;

/// <summary>
/// Drives one order (keyed by its id) to exactly one terminal state. It is event-sourced: its state is the
/// <see cref="OrderAggregate"/> itself, and every message runs one command on it, whose events the <c>order</c>
/// endpoint's unit of work appends to the order's stream together with the inbox record and the timeout it may request:
/// one transaction per message, no state of its own, no retry of its own. The endpoint is ordered by order id, so the
/// messages of one order run one at a time, in the order they were accepted, and never race for its stream (the append's
/// expected version stays as the guard). Payment's, Inventory's and Shipping's milestones are recorded, the shipment
/// completes the order, a payment or stock failure fails it, and <see cref="OrderStuckTimeout"/> (requested when
/// <see cref="OrderCreated"/> arrives) cancels it if it is still in flight. A reply normally comes after
/// <see cref="OrderCreated"/> (it was caused by another service's copy of it), but nothing here depends on that: the
/// order exists from its placement on, so a reply is recorded whatever came first. What comes after
/// the terminal state (a late charge, reservation or shipment, Payment's refund, Shipping's voided shipment) joins the
/// timeline without changing the outcome: the aggregate's commands are idempotent and it refuses a second terminal
/// transition, so there is nothing to complete and nothing a late message could start again.
/// </summary>
public sealed partial class OrderLifeSaga(TimeProvider time, OrderOptions options, ILogger<OrderLifeSaga> logger) :
    IEventSourcedSaga<OrderAggregate, OrderCreated>,
    IEventSourcedSaga<OrderAggregate, PaymentProcessed>,
    IEventSourcedSaga<OrderAggregate, InventoryUpdated>,
    IEventSourcedSaga<OrderAggregate, OrderShipped>,
    IEventSourcedSaga<OrderAggregate, PaymentFailed>,
    IEventSourcedSaga<OrderAggregate, InventoryUpdateFailed>,
    IEventSourcedSaga<OrderAggregate, OrderStuckTimeout>,
    IEventSourcedSaga<OrderAggregate, PaymentRefunded>,
    IEventSourcedSaga<OrderAggregate, ShipmentCancelled>
{
    /// <summary>The correlation key of an order's saga: the order aggregate's id.</summary>
    public static string Key(Guid orderId) => orderId.ToString("D");

    /// <inheritdoc />
    public async ValueTask HandleAsync(OrderCreated message, IEventSourcedSagaContext<OrderAggregate> saga, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(saga);
        if (Exists(saga) && !saga.Aggregate.State.IsTerminal)
        {
            await saga.RequestTimeoutAsync(new OrderStuckTimeout(message.OrderId), options.StuckOrderTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentProcessed message, IEventSourcedSagaContext<OrderAggregate> saga, CancellationToken cancellationToken) =>
        Decide(saga, order => order.RecordPayment(message));

    /// <inheritdoc />
    public ValueTask HandleAsync(InventoryUpdated message, IEventSourcedSagaContext<OrderAggregate> saga, CancellationToken cancellationToken) =>
        Decide(saga, order => order.RecordReservation(message));

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderShipped message, IEventSourcedSagaContext<OrderAggregate> saga, CancellationToken cancellationToken) =>
        Decide(saga, order => order.CompleteOnShipment(message, time.GetUtcNow()));

    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentFailed message, IEventSourcedSagaContext<OrderAggregate> saga, CancellationToken cancellationToken) =>
        Decide(saga, order => order.Fail("payment failed: " + message.Reason, time.GetUtcNow()));

    /// <inheritdoc />
    public ValueTask HandleAsync(InventoryUpdateFailed message, IEventSourcedSagaContext<OrderAggregate> saga, CancellationToken cancellationToken) =>
        Decide(saga, order => order.Fail(message.Reason, time.GetUtcNow(), afterCharge: true));

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderStuckTimeout message, IEventSourcedSagaContext<OrderAggregate> saga, CancellationToken cancellationToken) =>
        Decide(saga, order => order.Cancel($"not completed within {options.StuckOrderTimeout}", time.GetUtcNow()));

    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentRefunded message, IEventSourcedSagaContext<OrderAggregate> saga, CancellationToken cancellationToken) =>
        Decide(saga, order => order.RecordRefund(message));

    /// <inheritdoc />
    public ValueTask HandleAsync(ShipmentCancelled message, IEventSourcedSagaContext<OrderAggregate> saga, CancellationToken cancellationToken) =>
        Decide(saga, order => order.RecordShipmentCancelled(message));

    private ValueTask Decide(IEventSourcedSagaContext<OrderAggregate> saga, Action<OrderAggregate> command)
    {
        ArgumentNullException.ThrowIfNull(saga);
        if (Exists(saga))
        {
            command(saga.Aggregate);
        }

        return ValueTask.CompletedTask;
    }

    // An order is placed (its stream written) before anything about it is published: a message for one that does not
    // exist has nothing to drive.
    private bool Exists(IEventSourcedSagaContext<OrderAggregate> saga)
    {
        if (!saga.Aggregate.IsNew)
        {
            return true;
        }

        LogUnknownOrder(logger, saga.Key, saga.Envelope.MessageType);
        return false;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Ignoring {MessageType} for order {OrderId}, which does not exist")]
    private static partial void LogUnknownOrder(ILogger logger, string orderId, string messageType);
}
