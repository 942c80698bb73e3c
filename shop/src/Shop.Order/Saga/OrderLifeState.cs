namespace Shop.Order.Saga;

/// <summary>The order life saga's state: the order's last known status (the order aggregate is the source of truth).</summary>
public sealed class OrderLifeState
{
    /// <summary>The status the order had after the saga's last change.</summary>
    public string Status { get; set; } = "";
}
