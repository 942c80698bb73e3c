using System.Text.Json.Serialization;
using Shop.Contracts;

namespace Shop.Order.Domain;

/// <summary>What an order's events made of it (also its snapshot, as JSON).</summary>
public sealed class OrderState
{
    /// <summary>The order's id.</summary>
    public Guid OrderId { get; set; }

    /// <summary>Who placed it.</summary>
    public string CustomerId { get; set; } = "";

    /// <summary>See <see cref="OrderStatus"/>.</summary>
    public string Status { get; set; } = OrderStatus.None;

    /// <summary>The order's total.</summary>
    public decimal Total { get; set; }

    /// <summary>The currency of <see cref="Total"/>.</summary>
    public string Currency { get; set; } = Catalog.Currency;

    /// <summary>Payment's id of the charge, once paid.</summary>
    public string? PaymentId { get; set; }

    /// <summary>Whether the stock was reserved.</summary>
    public bool Reserved { get; set; }

    /// <summary>Whether the shipment was created.</summary>
    public bool Shipped { get; set; }

    /// <summary>Whether Shipping voided the shipment (the order was cancelled after it had been created).</summary>
    public bool ShipmentCancelled { get; set; }

    /// <summary>Whether the charge was refunded.</summary>
    public bool Refunded { get; set; }

    /// <summary>Why the order failed or was cancelled.</summary>
    public string? Reason { get; set; }

    /// <summary>Whether the order failed after it had been charged (at Inventory).</summary>
    public bool FailedAfterCharge { get; set; }

    /// <summary>Whether the order has reached its one terminal state.</summary>
    [JsonIgnore]
    public bool IsTerminal => OrderStatus.IsTerminal(Status);

    /// <summary>
    /// Whether a reply may still come that the timeline should show: replies reach the Order Service in any order, so
    /// a completed order may still hear of its payment or reservation, an order that failed at Inventory of its
    /// payment, and a cancelled one of anything that was under way when it was cancelled (a charge, a reservation, a
    /// shipment), which nothing announces: a cancelled order always may.
    /// </summary>
    [JsonIgnore]
    public bool AwaitsMilestones => Status switch
    {
        OrderStatus.Completed => PaymentId is null || !Reserved,
        OrderStatus.Failed => FailedAfterCharge && PaymentId is null,
        OrderStatus.Cancelled => true,
        _ => false,
    };
}
