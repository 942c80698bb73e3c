using Shop.Contracts;
using Shop.Order.Domain;
using Switchboard;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Aggregates;

namespace Shop.Order.Saga;

/// <summary>
/// Puts the compensations of other services on the order's timeline: Payment's refund and Shipping's voided shipment.
/// They come after the order's terminal state (failed or cancelled), whatever its saga is doing, so a plain handler
/// records them; the aggregate records each once per order.
/// </summary>
public sealed class CompensationRecorder(AggregateRepository orders) : IMessageHandler<PaymentRefunded>, IMessageHandler<ShipmentCancelled>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(PaymentRefunded message, IMessageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return RecordAsync(message.OrderId, context, order => order.RecordRefund(message), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(ShipmentCancelled message, IMessageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        return RecordAsync(message.OrderId, context, order => order.RecordShipmentCancelled(message), cancellationToken);
    }

    private async ValueTask RecordAsync(Guid orderId, IMessageContext context, Action<OrderAggregate> record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = OrderLifeSaga.Key(orderId);
        var metadata = new EventMetadata { CorrelationId = id, CausationId = context.MessageId };
        await orders.HandleAsync(id, record, metadata, cancellationToken).ConfigureAwait(false);
    }
}
