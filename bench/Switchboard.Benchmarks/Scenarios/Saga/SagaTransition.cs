namespace Switchboard.Benchmarks.Scenarios.Saga;

/// <summary>
/// The state the saga moved an order to in the current handling attempt (scoped: one per attempt). The saga writes
/// it; <see cref="SagaCompletionStep"/> reads it once the attempt's unit of work has committed.
/// </summary>
public sealed class SagaTransition
{
    /// <summary>The order.</summary>
    public Guid OrderId { get; private set; }

    /// <summary>Its amount (sequence number).</summary>
    public decimal Amount { get; private set; }

    /// <summary>The state it moved to; <see cref="OrderStatus.None"/> when the saga has not run in this attempt.</summary>
    public OrderStatus Status { get; private set; }

    /// <summary>Whether the order reached a terminal state.</summary>
    public bool IsTerminal => Status is OrderStatus.Completed or OrderStatus.Cancelled;

    /// <summary>Records the move (a rerun after a concurrency conflict overwrites it).</summary>
    public void Moved(Guid orderId, decimal amount, OrderStatus status)
    {
        OrderId = orderId;
        Amount = amount;
        Status = status;
    }
}
