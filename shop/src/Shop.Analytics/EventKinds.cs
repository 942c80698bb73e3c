namespace Shop.Analytics;

/// <summary>The kinds of fact Analytics records, one per Shop event type.</summary>
public static class EventKinds
{
    /// <summary><see cref="Contracts.OrderCreated"/>.</summary>
    public const string OrderCreated = "order-created";

    /// <summary><see cref="Contracts.PaymentProcessed"/>.</summary>
    public const string PaymentProcessed = "payment-processed";

    /// <summary><see cref="Contracts.PaymentFailed"/>.</summary>
    public const string PaymentFailed = "payment-failed";

    /// <summary><see cref="Contracts.PaymentRefunded"/>.</summary>
    public const string PaymentRefunded = "payment-refunded";

    /// <summary><see cref="Contracts.InventoryUpdated"/>.</summary>
    public const string InventoryUpdated = "inventory-updated";

    /// <summary><see cref="Contracts.InventoryUpdateFailed"/>.</summary>
    public const string InventoryUpdateFailed = "inventory-update-failed";

    /// <summary><see cref="Contracts.OrderShipped"/>.</summary>
    public const string OrderShipped = "order-shipped";

    /// <summary><see cref="Contracts.ShipmentCancelled"/>.</summary>
    public const string ShipmentCancelled = "shipment-cancelled";

    /// <summary><see cref="Contracts.OrderCompleted"/>.</summary>
    public const string OrderCompleted = "order-completed";

    /// <summary><see cref="Contracts.OrderFailed"/>.</summary>
    public const string OrderFailed = "order-failed";

    /// <summary><see cref="Contracts.OrderCancelled"/>.</summary>
    public const string OrderCancelled = "order-cancelled";
}
