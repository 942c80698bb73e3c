using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Persistence;

namespace Shop.Payment;

/// <summary>
/// Refunds a charged order once when its inventory reservation failed or it was cancelled: the gateway refund
/// (idempotency key <c>refund-</c> + order id) comes first, then the refund record (expecting to be the order's first:
/// a concurrent copy that recorded it meanwhile makes the unit a conflict, run again) and <see cref="PaymentRefunded"/>
/// commit together. A declined, unknown or already refunded order is left alone; a cancelled order that was not charged
/// yet is marked, so that a later <c>OrderCreated</c> charges nothing (see <c>ChargeOrderHandler</c> for a charge that
/// was already on its way).
/// </summary>
internal sealed class RefundHandler(IPaymentGateway gateway, ISqlUnitOfWork unitOfWork, PaymentSettings settings, TimeProvider timeProvider)
    : IMessageHandler<InventoryUpdateFailed>, IMessageHandler<OrderCancelled>
{
    public ValueTask HandleAsync(InventoryUpdateFailed message, IMessageContext context, CancellationToken cancellationToken) =>
        RefundAsync(message.OrderId, message.Reason ?? "inventory update failed", cancellation: false, context, cancellationToken);

    public ValueTask HandleAsync(OrderCancelled message, IMessageContext context, CancellationToken cancellationToken) =>
        RefundAsync(message.OrderId, message.Reason ?? "order cancelled", cancellation: true, context, cancellationToken);

    private async ValueTask RefundAsync(Guid order, string reason, bool cancellation, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = order.ToString("D");
        var charge = await PaymentRecords.FindChargeAsync(settings.Database, orderId, cancellationToken).ConfigureAwait(false);
        if (charge is null)
        {
            if (cancellation)
            {
                await MarkCancelledAsync(orderId, reason, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        if (charge is not { Status: PaymentRecords.Charged, ChargeId: { } chargeId }
            || await PaymentRecords.IsRefundedAsync(settings.Database, orderId, cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var amount = Money.FromCents(charge.AmountCents);
        var refundId = await gateway.RefundAsync("refund-" + orderId, chargeId, amount, cancellationToken).ConfigureAwait(false);

        var now = timeProvider.GetUtcNow();
        await unitOfWork.EnlistWriteAsync(PaymentRecords.InsertRefund(orderId, refundId, chargeId, charge.AmountCents, charge.Currency, reason, now.ToUnixTimeMilliseconds()), cancellationToken).ConfigureAwait(false);
        await context.PublishAsync(new PaymentRefunded(order, chargeId, amount, charge.Currency, reason, now), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    // Not charged (yet): record the cancellation so that a late OrderCreated charges nothing. A charge recorded in the
    // meantime makes the unit of work a conflict: the rerun sees it and refunds it.
    private ValueTask MarkCancelledAsync(string orderId, string reason, CancellationToken cancellationToken) =>
        unitOfWork.EnlistWriteAsync(
            PaymentRecords.InsertCharge(new ChargeRecord(orderId, null, 0, string.Empty, PaymentRecords.Cancelled, reason), timeProvider.GetUtcNow().ToUnixTimeMilliseconds()),
            cancellationToken);
}
