using Switchboard.Benchmarks.Measurement;

namespace Switchboard.Benchmarks.Scenarios.Competing;

/// <summary>Records the command as handled; nothing else.</summary>
public sealed class OrderPlacedHandler(CurrentRun run) : IMessageHandler<OrderPlaced>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(OrderPlaced message, IMessageContext context, CancellationToken cancellationToken)
    {
        run.Tracker.Complete(message.OrderId, message.Amount, slot: 0);
        return ValueTask.CompletedTask;
    }
}
