namespace Shop.Order.Domain;

/// <summary>The statuses an order goes through, as the API shows them.</summary>
public static class OrderStatus
{
    /// <summary>No order (an aggregate whose stream has no events).</summary>
    public const string None = "none";

    /// <summary>Accepted, processing.</summary>
    public const string Received = "received";

    /// <summary>Charged.</summary>
    public const string Paid = "paid";

    /// <summary>Stock reserved.</summary>
    public const string Reserved = "reserved";

    /// <summary>Shipment created.</summary>
    public const string Shipped = "shipped";

    /// <summary>Terminal: shipped and done.</summary>
    public const string Completed = "completed";

    /// <summary>Terminal: payment or stock failed.</summary>
    public const string Failed = "failed";

    /// <summary>Terminal: stuck past the timeout.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Whether <paramref name="status"/> is one of the terminal states.</summary>
    public static bool IsTerminal(string status) => status is Completed or Failed or Cancelled;
}
