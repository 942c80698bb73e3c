using System.Globalization;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Shop.Payment;

/// <summary>
/// Charges a new order once: the gateway call (idempotency key = order id) comes first, outside the transaction; then
/// the charge record and <see cref="PaymentProcessed"/> or <see cref="PaymentFailed"/> commit together in the unit of
/// work, the record expecting to be the order's first (a concurrent copy or a cancellation that recorded the order
/// meanwhile makes the unit a conflict, and the message runs again). An order that already has a record (a redelivery,
/// a second copy) is left alone, except a cancellation's: see <see cref="SettleCancelledAsync"/>.
/// </summary>
internal sealed class ChargeOrderHandler(IPaymentGateway gateway, ISqlUnitOfWork unitOfWork, PaymentSettings settings, TimeProvider timeProvider) : IMessageHandler<OrderCreated>
{
    public const string GatewayUnavailable = "payment_gateway_unavailable";

    public async ValueTask HandleAsync(OrderCreated message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString("D");
        var existing = await PaymentRecords.FindChargeAsync(settings.Database, orderId, cancellationToken).ConfigureAwait(false);
        if (existing is { Status: PaymentRecords.Cancelled, ChargeId: null })
        {
            await SettleCancelledAsync(existing, message, context, cancellationToken).ConfigureAwait(false);
            return;
        }

        if (existing is not null)
        {
            return;
        }

        var currency = message.Currency ?? string.Empty;
        var result = await ChargeAsync(orderId, message, currency, context, cancellationToken).ConfigureAwait(false);

        var now = timeProvider.GetUtcNow();
        var record = new ChargeRecord(orderId, result.ChargeId, Money.ToCents(message.Total), currency, result.Approved ? PaymentRecords.Charged : PaymentRecords.Declined, result.DeclineReason);
        await unitOfWork.EnlistWriteAsync(PaymentRecords.InsertCharge(record, now.ToUnixTimeMilliseconds()), cancellationToken).ConfigureAwait(false);
        if (result.ChargeId is { } chargeId)
        {
            await context.PublishAsync(new PaymentProcessed(message.OrderId, chargeId, message.Total, currency, message.Lines ?? [], now), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await context.PublishAsync(new PaymentFailed(message.OrderId, result.DeclineReason!, now), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    // Transient failures throw, so the endpoint retries the message. In the last delayed round the handler spends the
    // round's attempts itself and then fails the payment, so that the order reaches a terminal state.
    private async Task<ChargeResult> ChargeAsync(string orderId, OrderCreated message, string currency, IMessageContext context, CancellationToken cancellationToken)
    {
        var policy = settings.Options.Retry;
        var lastRound = DelayedRetriesSoFar(context) >= policy.DelayedRetries;
        var attempts = lastRound ? policy.ImmediateRetries + 1 : 1;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await gateway.ChargeAsync(orderId, message.PaymentToken ?? string.Empty, message.Total, currency, cancellationToken).ConfigureAwait(false);
            }
            catch (PaymentGatewayUnavailableException) when (lastRound)
            {
                if (attempt >= attempts)
                {
                    return ChargeResult.Decline(GatewayUnavailable);
                }
            }
        }
    }

    // The order was cancelled before a charge was recorded. Nothing is charged now; but an earlier attempt of this
    // message may have charged it and then lost the race to the cancellation (or the process stopped before recording
    // the charge). The gateway knows. If it charged, the charge is refunded at the gateway first (idempotent by key),
    // so the money goes back even if this unit of work is then dropped because another copy of the message committed
    // meanwhile; then the charge, the refund and PaymentRefunded commit together.
    private async Task SettleCancelledAsync(ChargeRecord cancelled, OrderCreated message, IMessageContext context, CancellationToken cancellationToken)
    {
        if (await gateway.FindChargeAsync(cancelled.OrderId, cancellationToken).ConfigureAwait(false) is not { ChargeId: { } chargeId })
        {
            return;
        }

        var currency = message.Currency ?? string.Empty;
        var amountCents = Money.ToCents(message.Total);
        var reason = cancelled.Reason ?? "cancelled";
        var refundId = await gateway.RefundAsync("refund-" + cancelled.OrderId, chargeId, message.Total, cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        await unitOfWork.EnlistWriteAsync(
            new StoreWrite(
                "UPDATE payment_charges SET charge_id = @p1, amount_cents = @p2, currency = @p3, status = @p4 WHERE order_id = @p0 AND status = @p5 AND charge_id IS NULL",
                cancelled.OrderId, chargeId, amountCents, currency, PaymentRecords.Charged, PaymentRecords.Cancelled) { ExpectedRows = 1 },
            cancellationToken).ConfigureAwait(false);
        await unitOfWork.EnlistWriteAsync(PaymentRecords.InsertRefund(cancelled.OrderId, refundId, chargeId, amountCents, currency, reason, now.ToUnixTimeMilliseconds()), cancellationToken).ConfigureAwait(false);
        await context.PublishAsync(new PaymentRefunded(message.OrderId, chargeId, message.Total, currency, reason, now), cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static int DelayedRetriesSoFar(IMessageContext context) =>
        context.Headers.TryGetValue(HeaderNames.DelayedRetries, out var value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
