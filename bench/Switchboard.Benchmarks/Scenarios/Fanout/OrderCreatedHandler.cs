using Switchboard.Benchmarks.Measurement;

namespace Switchboard.Benchmarks.Scenarios.Fanout;

/// <summary>Records the event as delivered to the subscriber endpoint that handles it; nothing else.</summary>
public sealed class OrderCreatedHandler(CurrentRun run) : IMessageHandler<OrderCreated>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(OrderCreated message, IMessageContext context, CancellationToken cancellationToken)
    {
        run.Tracker.Complete(message.OrderId, message.Amount, FanoutScenario.SlotOf(context.Endpoint));
        return ValueTask.CompletedTask;
    }
}
