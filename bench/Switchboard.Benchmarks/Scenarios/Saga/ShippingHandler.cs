namespace Switchboard.Benchmarks.Scenarios.Saga;

/// <summary>The shipping service: ships (replies <see cref="OrderShipped"/>).</summary>
public sealed class ShippingHandler : IMessageHandler<ShipOrder>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(ShipOrder message, IMessageContext context, CancellationToken cancellationToken) =>
        context.PublishAsync(new OrderShipped(message.OrderId, message.Amount), cancellationToken: cancellationToken);
}
