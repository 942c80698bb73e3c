namespace Switchboard.Benchmarks.Scenarios.Saga;

/// <summary>The inventory service: reserves stock, except for every order whose number % 50 == 49.</summary>
public sealed class InventoryHandler : IMessageHandler<ReserveStock>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(ReserveStock message, IMessageContext context, CancellationToken cancellationToken) =>
        message.Amount % 50 == 49
            ? context.PublishAsync(new StockReservationFailed(message.OrderId, message.Amount), cancellationToken: cancellationToken)
            : context.PublishAsync(new StockReserved(message.OrderId, message.Amount), cancellationToken: cancellationToken);
}
