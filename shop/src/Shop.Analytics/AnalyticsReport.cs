using System.Globalization;
using System.Text;

namespace Shop.Analytics;

/// <summary>How often one failure reason was reported.</summary>
/// <param name="Source">The event kind that reported it: <c>payment-failed</c>, <c>inventory-update-failed</c> or <c>order-failed</c>.</param>
/// <param name="Reason">The reason.</param>
/// <param name="Count">How many orders it was reported for.</param>
public sealed record FailureReasonCount(string Source, string Reason, long Count);

/// <summary>Orders placed in one minute.</summary>
/// <param name="Minute">The minute's start (UTC).</param>
/// <param name="Orders">How many <c>OrderCreated</c> fell in it (by their <c>CreatedAt</c>).</param>
public sealed record MinuteCount(DateTimeOffset Minute, long Orders);

/// <summary>Time from an order's <c>CreatedAt</c> to its <c>ShippedAt</c>, over the orders that have both and whose shipment stands.</summary>
/// <param name="Orders">How many orders the figures are computed over.</param>
/// <param name="P50Milliseconds">The median (nearest rank), or null with no shipped order.</param>
/// <param name="P95Milliseconds">The 95th percentile (nearest rank), or null with no shipped order.</param>
public sealed record TimeToShip(long Orders, double? P50Milliseconds, double? P95Milliseconds);

/// <summary>Orders placed per minute.</summary>
/// <param name="LastMinutes">The last minutes up to the latest one with an order, oldest first, including empty ones.</param>
/// <param name="Average">Orders per minute over the span from the first order's minute to the last one's.</param>
public sealed record OrdersPerMinute(IReadOnlyList<MinuteCount> LastMinutes, double Average);

/// <summary>The business figures Analytics keeps, every event counted once.</summary>
/// <param name="OrdersPlaced"><c>OrderCreated</c> events.</param>
/// <param name="OrdersCompleted"><c>OrderCompleted</c> events.</param>
/// <param name="OrdersFailed"><c>OrderFailed</c> events.</param>
/// <param name="OrdersCancelled"><c>OrderCancelled</c> events.</param>
/// <param name="OrdersShipped">Shipments that stand: <c>OrderShipped</c> events less the shipments voided.</param>
/// <param name="ShipmentsCancelled"><c>ShipmentCancelled</c> events: shipments voided because their order was cancelled.</param>
/// <param name="RevenueCaptured">The sum of <c>PaymentProcessed</c> amounts.</param>
/// <param name="RevenueRefunded">The sum of <c>PaymentRefunded</c> amounts.</param>
/// <param name="NetRevenue">Captured minus refunded.</param>
/// <param name="Currency">The currency of the amounts (the catalog's).</param>
/// <param name="FailureReasons">Failure reasons with their counts, most frequent first.</param>
/// <param name="TimeToShip">Time from order to shipment.</param>
/// <param name="OrdersPerMinute">Orders placed per minute.</param>
/// <param name="Events">How many events of each kind were counted.</param>
public sealed record AnalyticsReport(
    long OrdersPlaced,
    long OrdersCompleted,
    long OrdersFailed,
    long OrdersCancelled,
    long OrdersShipped,
    long ShipmentsCancelled,
    decimal RevenueCaptured,
    decimal RevenueRefunded,
    decimal NetRevenue,
    string Currency,
    IReadOnlyList<FailureReasonCount> FailureReasons,
    TimeToShip TimeToShip,
    OrdersPerMinute OrdersPerMinute,
    IReadOnlyDictionary<string, long> Events)
{
    /// <summary>The figures as lines of text, for a console.</summary>
    public string ToText()
    {
        var c = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine(c, $"orders placed {OrdersPlaced}, completed {OrdersCompleted}, failed {OrdersFailed}, cancelled {OrdersCancelled}, shipped {OrdersShipped}, shipments cancelled {ShipmentsCancelled}");
        text.AppendLine(c, $"revenue captured {RevenueCaptured:0.00} {Currency}, refunded {RevenueRefunded:0.00} {Currency}, net {NetRevenue:0.00} {Currency}");
        text.AppendLine(c, $"time to ship over {TimeToShip.Orders} orders: p50 {Milliseconds(TimeToShip.P50Milliseconds)}, p95 {Milliseconds(TimeToShip.P95Milliseconds)}");
        text.AppendLine(c, $"orders per minute: average {OrdersPerMinute.Average:0.0}; last minutes {string.Join(", ", OrdersPerMinute.LastMinutes.Select(m => m.Minute.ToString("HH:mm", c) + " " + m.Orders.ToString(c)))}");
        foreach (var reason in FailureReasons)
        {
            text.AppendLine(c, $"failure ({reason.Source}) x{reason.Count}: {reason.Reason}");
        }

        return text.ToString();
    }

    private static string Milliseconds(double? value) => value is null ? "-" : value.Value.ToString("0", CultureInfo.InvariantCulture) + " ms";
}
