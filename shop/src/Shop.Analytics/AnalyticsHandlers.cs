using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Analytics;

/// <summary>
/// Records one fact per order and event kind, as a statement of the unit of work (the embedded store writes it at the
/// commit, with the acknowledgement). The (order, kind) key makes every further copy a no-op, a redelivered message
/// and the same event under another message id alike, so the endpoint needs no inbox.
/// </summary>
internal sealed class AnalyticsHandlers(ISqlUnitOfWork unitOfWork) :
    IMessageHandler<OrderCreated>,
    IMessageHandler<PaymentProcessed>,
    IMessageHandler<PaymentFailed>,
    IMessageHandler<PaymentRefunded>,
    IMessageHandler<InventoryUpdated>,
    IMessageHandler<InventoryUpdateFailed>,
    IMessageHandler<OrderShipped>,
    IMessageHandler<ShipmentCancelled>,
    IMessageHandler<OrderCompleted>,
    IMessageHandler<OrderFailed>,
    IMessageHandler<OrderCancelled>
{
    /// <summary>Longer reasons (they come from the wire) are cut to this length.</summary>
    private const int MaxReasonLength = 500;

    public ValueTask HandleAsync(OrderCreated message, IMessageContext context, CancellationToken cancellationToken) =>
        RecordAsync(message.OrderId, EventKinds.OrderCreated, Money.ToCents(message.Total), string.Empty, message.CreatedAt, cancellationToken);

    public ValueTask HandleAsync(PaymentProcessed message, IMessageContext context, CancellationToken cancellationToken) =>
        RecordAsync(message.OrderId, EventKinds.PaymentProcessed, Money.ToCents(message.Amount), string.Empty, message.ProcessedAt, cancellationToken);

    public ValueTask HandleAsync(PaymentFailed message, IMessageContext context, CancellationToken cancellationToken) =>
        RecordAsync(message.OrderId, EventKinds.PaymentFailed, 0, message.Reason, message.FailedAt, cancellationToken);

    public ValueTask HandleAsync(PaymentRefunded message, IMessageContext context, CancellationToken cancellationToken) =>
        RecordAsync(message.OrderId, EventKinds.PaymentRefunded, Money.ToCents(message.Amount), message.Reason, message.RefundedAt, cancellationToken);

    public ValueTask HandleAsync(InventoryUpdated message, IMessageContext context, CancellationToken cancellationToken) =>
        RecordAsync(message.OrderId, EventKinds.InventoryUpdated, 0, string.Empty, message.ReservedAt, cancellationToken);

    public ValueTask HandleAsync(InventoryUpdateFailed message, IMessageContext context, CancellationToken cancellationToken) =>
        RecordAsync(message.OrderId, EventKinds.InventoryUpdateFailed, 0, message.Reason, message.FailedAt, cancellationToken);

    public ValueTask HandleAsync(OrderShipped message, IMessageContext context, CancellationToken cancellationToken) =>
        RecordAsync(message.OrderId, EventKinds.OrderShipped, 0, string.Empty, message.ShippedAt, cancellationToken);

    public ValueTask HandleAsync(ShipmentCancelled message, IMessageContext context, CancellationToken cancellationToken) =>
        RecordAsync(message.OrderId, EventKinds.ShipmentCancelled, 0, message.Reason, message.CancelledAt, cancellationToken);

    public ValueTask HandleAsync(OrderCompleted message, IMessageContext context, CancellationToken cancellationToken) =>
        RecordAsync(message.OrderId, EventKinds.OrderCompleted, 0, string.Empty, message.CompletedAt, cancellationToken);

    public ValueTask HandleAsync(OrderFailed message, IMessageContext context, CancellationToken cancellationToken) =>
        RecordAsync(message.OrderId, EventKinds.OrderFailed, 0, message.Reason, message.FailedAt, cancellationToken);

    public ValueTask HandleAsync(OrderCancelled message, IMessageContext context, CancellationToken cancellationToken) =>
        RecordAsync(message.OrderId, EventKinds.OrderCancelled, 0, message.Reason, message.CancelledAt, cancellationToken);

    private ValueTask RecordAsync(Guid orderId, string kind, long amountCents, string reason, DateTimeOffset at, CancellationToken cancellationToken) =>
        unitOfWork.EnlistWriteAsync(
            new StoreWrite(
                "INSERT INTO analytics_facts (order_id, kind, amount_cents, reason, at_ms) VALUES (@p0, @p1, @p2, @p3, @p4) ON CONFLICT (order_id, kind) DO NOTHING",
                orderId.ToString(),
                kind,
                amountCents,
                reason.Length > MaxReasonLength ? reason[..MaxReasonLength] : reason,
                at.ToUnixTimeMilliseconds()),
            cancellationToken);
}
