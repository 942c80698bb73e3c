namespace Switchboard.Benchmarks.Scenarios.Saga;

/// <summary>The payment service: captures (replies <see cref="PaymentCaptured"/>) and refunds (records it, replies <see cref="PaymentRefunded"/>).</summary>
public sealed class PaymentHandler(RefundLedger refunds) : IMessageHandler<CapturePayment>, IMessageHandler<RefundPayment>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(CapturePayment message, IMessageContext context, CancellationToken cancellationToken) =>
        context.PublishAsync(new PaymentCaptured(message.OrderId, message.Amount), cancellationToken: cancellationToken);

    /// <inheritdoc />
    public ValueTask HandleAsync(RefundPayment message, IMessageContext context, CancellationToken cancellationToken)
    {
        refunds.Refunded(message.OrderId);
        return context.PublishAsync(new PaymentRefunded(message.OrderId, message.Amount), cancellationToken: cancellationToken);
    }
}
