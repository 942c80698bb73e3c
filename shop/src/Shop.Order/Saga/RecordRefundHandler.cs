using Shop.Contracts;
using Shop.Order.Domain;
using Switchboard;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Aggregates;

namespace Shop.Order.Saga;

/// <summary>
/// Puts Payment's refunds on the order's timeline. Refunds come after the order's terminal state (failed or cancelled),
/// when its saga has completed, so a plain handler records them; the aggregate records one refund per order.
/// </summary>
public sealed class RecordRefundHandler(AggregateRepository orders) : IMessageHandler<PaymentRefunded>
{
    /// <inheritdoc />
    public async ValueTask HandleAsync(PaymentRefunded message, IMessageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        ArgumentNullException.ThrowIfNull(context);
        var id = OrderLifeSaga.Key(message.OrderId);
        var metadata = new EventMetadata { CorrelationId = id, CausationId = context.MessageId };
        await orders.HandleAsync<OrderAggregate>(id, order => order.RecordRefund(message), metadata, cancellationToken).ConfigureAwait(false);
    }
}
