namespace Switchboard.Benchmarks.Scenarios.Saga;

/// <summary>Where an order stands in the <c>saga</c> scenario.</summary>
public enum OrderStatus
{
    /// <summary>No instance yet (a new state).</summary>
    None,

    /// <summary>Submitted; <see cref="CapturePayment"/> sent.</summary>
    AwaitingPayment,

    /// <summary>Payment captured; <see cref="ReserveStock"/> sent.</summary>
    AwaitingStock,

    /// <summary>Stock reserved; <see cref="ShipOrder"/> sent.</summary>
    AwaitingShipment,

    /// <summary>Stock reservation failed; <see cref="RefundPayment"/> sent.</summary>
    AwaitingRefund,

    /// <summary>Shipped: terminal.</summary>
    Completed,

    /// <summary>Refunded after the stock reservation failed: terminal.</summary>
    Cancelled,
}

/// <summary>The persisted state of one order's saga.</summary>
public sealed class OrderSagaState
{
    /// <summary>Where the order stands.</summary>
    public OrderStatus Status { get; set; }

    /// <summary>The order's amount (its sequence number), from <see cref="OrderSubmitted"/>.</summary>
    public decimal Amount { get; set; }

    /// <summary>The terminal state an order must reach: Cancelled for every order whose number % 50 == 49, Completed for the others.</summary>
    public static OrderStatus ExpectedOutcome(decimal amount) => amount % 50 == 49 ? OrderStatus.Cancelled : OrderStatus.Completed;
}
