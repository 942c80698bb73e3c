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
/// work. An order that already has a record (a redelivery, a second copy, a cancellation) is left alone.
/// </summary>
internal sealed class ChargeOrderHandler(IPaymentGateway gateway, IUnitOfWork unitOfWork, PaymentSettings settings, TimeProvider timeProvider) : IMessageHandler<OrderCreated>
{
    public const string GatewayUnavailable = "payment_gateway_unavailable";

    public async ValueTask HandleAsync(OrderCreated message, IMessageContext context, CancellationToken cancellationToken)
    {
        var orderId = message.OrderId.ToString("D");
        if (await PaymentRecords.FindChargeAsync(settings.Database, orderId, cancellationToken).ConfigureAwait(false) is not null)
        {
            return;
        }

        var currency = message.Currency ?? string.Empty;
        var result = await ChargeAsync(orderId, message, currency, context, cancellationToken).ConfigureAwait(false);

        var transaction = await unitOfWork.GetDbTransactionAsync(cancellationToken).ConfigureAwait(false);
        var now = timeProvider.GetUtcNow();
        var record = new ChargeRecord(orderId, result.ChargeId, Money.ToCents(message.Total), currency, result.Approved ? PaymentRecords.Charged : PaymentRecords.Declined, result.DeclineReason);
        if (!await PaymentRecords.TryInsertChargeAsync(transaction, record, now.ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false))
        {
            await SettleRaceAsync(transaction, record, message, context, cancellationToken).ConfigureAwait(false);
            return;
        }

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

    // Another copy of the message (or a cancellation) recorded the order first. Only one case needs more: the order was
    // cancelled while this copy was charging it, so the charge is recorded and Payment sends itself the cancellation,
    // whose handler refunds it.
    private async Task SettleRaceAsync(System.Data.Common.DbTransaction transaction, ChargeRecord record, OrderCreated message, IMessageContext context, CancellationToken cancellationToken)
    {
        var existing = await PaymentRecords.FindChargeAsync(transaction.Connection!, transaction, record.OrderId, cancellationToken).ConfigureAwait(false);
        if (existing is not { Status: PaymentRecords.Cancelled } || record.ChargeId is null)
        {
            return;
        }

        await using var update = transaction.Connection!.Command(
            transaction,
            "UPDATE payment_charges SET charge_id = @p1, amount_cents = @p2, currency = @p3, status = @p4 WHERE order_id = @p0 AND status = @p5",
            record.OrderId, record.ChargeId, record.AmountCents, record.Currency, PaymentRecords.Charged, PaymentRecords.Cancelled);
        await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        var cancellation = new OrderCancelled(message.OrderId, existing.Reason ?? "cancelled", timeProvider.GetUtcNow());
        await context.SendAsync(cancellation, SendOptions.To(context.Endpoint), cancellationToken).ConfigureAwait(false);
    }

    private static int DelayedRetriesSoFar(IMessageContext context) =>
        context.Headers.TryGetValue(HeaderNames.DelayedRetries, out var value) && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) ? n : 0;
}
