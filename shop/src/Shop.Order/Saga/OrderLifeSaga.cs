using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Order.Domain;
using Switchboard;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Aggregates;
using Switchboard.Sagas;

namespace Shop.Order.Saga;

/// <summary>
/// Drives one order (keyed by its id) to exactly one terminal state: it records Payment's, Inventory's and Shipping's
/// milestones on the order aggregate, completes the order when it is shipped, fails it when payment or stock fails,
/// and cancels it when it is still in flight after <see cref="OrderOptions.StuckOrderTimeout"/>. Every message can
/// start it (replies may overtake <see cref="OrderCreated"/> on the way to this endpoint); the first one requests the
/// timeout. Once the order is terminal and no reply can still come (a completed order's payment and reservation are
/// recorded, a charged failed order's payment is), the saga completes. A cancelled order's saga never does: whatever
/// was under way when it was cancelled (a charge, a reservation, a shipment) may still report, however late, and joins
/// the timeline, as analytics and the customer's notifications count it too.
/// Changes go through <see cref="AggregateRepository.HandleAsync{TAggregate}(string, Action{TAggregate}, EventMetadata?, CancellationToken)"/>
/// (which retries on conflict); the aggregate's commands are idempotent, so a message that runs again changes nothing twice.
/// </summary>
public sealed partial class OrderLifeSaga(AggregateRepository orders, TimeProvider time, OrderOptions options, ILogger<OrderLifeSaga> logger) :
    ISagaHandler<OrderLifeState, OrderCreated>,
    ISagaHandler<OrderLifeState, PaymentProcessed>,
    ISagaHandler<OrderLifeState, InventoryUpdated>,
    ISagaHandler<OrderLifeState, OrderShipped>,
    ISagaHandler<OrderLifeState, PaymentFailed>,
    ISagaHandler<OrderLifeState, InventoryUpdateFailed>,
    ISagaHandler<OrderLifeState, OrderStuckTimeout>
{
    /// <summary>The correlation key of an order's saga.</summary>
    public static string Key(Guid orderId) => orderId.ToString("D");

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderCreated message, ISagaContext<OrderLifeState> saga, CancellationToken cancellationToken) =>
        ChangeAsync(message.OrderId, saga, _ => { }, cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentProcessed message, ISagaContext<OrderLifeState> saga, CancellationToken cancellationToken) =>
        ChangeAsync(message.OrderId, saga, order => order.RecordPayment(message), cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(InventoryUpdated message, ISagaContext<OrderLifeState> saga, CancellationToken cancellationToken) =>
        ChangeAsync(message.OrderId, saga, order => order.RecordReservation(message), cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderShipped message, ISagaContext<OrderLifeState> saga, CancellationToken cancellationToken) =>
        ChangeAsync(message.OrderId, saga, order => order.CompleteOnShipment(message, time.GetUtcNow()), cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentFailed message, ISagaContext<OrderLifeState> saga, CancellationToken cancellationToken) =>
        ChangeAsync(message.OrderId, saga, order => order.Fail("payment failed: " + message.Reason, time.GetUtcNow()), cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(InventoryUpdateFailed message, ISagaContext<OrderLifeState> saga, CancellationToken cancellationToken) =>
        ChangeAsync(message.OrderId, saga, order => order.Fail(message.Reason, time.GetUtcNow(), afterCharge: true), cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(OrderStuckTimeout message, ISagaContext<OrderLifeState> saga, CancellationToken cancellationToken) =>
        ChangeAsync(message.OrderId, saga, order => order.Cancel($"not completed within {options.StuckOrderTimeout}", time.GetUtcNow()), cancellationToken);

    private async ValueTask ChangeAsync(Guid orderId, ISagaContext<OrderLifeState> saga, Action<OrderAggregate> decide, CancellationToken cancellationToken)
    {
        var metadata = new EventMetadata { CorrelationId = Key(orderId), CausationId = saga.MessageId };
        var order = await orders.HandleAsync<OrderAggregate>(Key(orderId), decide, metadata, cancellationToken).ConfigureAwait(false);
        saga.State.Status = order.State.Status;
        if (order.IsNew)
        {
            // No such order (it is placed before anything about it is published): nothing to drive.
            LogUnknownOrder(logger, orderId, saga.Envelope.MessageType);
            saga.Complete();
            return;
        }

        // A terminal order keeps its saga while a reply may still come (they reach this endpoint in any order, and the
        // timeline should show every one): a late reply is never dropped.
        if (order.State.IsTerminal && !order.State.AwaitsMilestones)
        {
            saga.Complete();
            return;
        }

        if (saga.IsNew)
        {
            await saga.RequestTimeoutAsync(new OrderStuckTimeout(orderId), options.StuckOrderTimeout, cancellationToken).ConfigureAwait(false);
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "Ignoring {MessageType} for order {OrderId}, which does not exist")]
    private static partial void LogUnknownOrder(ILogger logger, Guid orderId, string messageType);
}
