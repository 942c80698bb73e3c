using Shop.Contracts;

namespace Shop.Invariants;

/// <summary>A SKU's stock as Inventory reports it (<c>GET /inventory</c>).</summary>
public sealed record StockLevel(string Sku, long Available, long Reserved);

/// <summary>A notification as sent: the customer and the event it was about.</summary>
public sealed record SentNotification(string CustomerId, string EventKey);

/// <summary>What the check found.</summary>
/// <param name="Violations">Each broken invariant, with the order or SKU; empty when all hold.</param>
/// <param name="Orders">Orders placed.</param>
/// <param name="Completed">Orders completed.</param>
/// <param name="Failed">Orders failed.</param>
/// <param name="Cancelled">Orders cancelled.</param>
/// <param name="Refunds">Refunds.</param>
public sealed record InvariantReport(IReadOnlyList<string> Violations, int Orders, int Completed, int Failed, int Cancelled, int Refunds)
{
    /// <summary>Whether every invariant holds.</summary>
    public bool Passed => Violations.Count == 0;
}

/// <summary>
/// Shop's invariants (ARCHITECTURE.md), checked from the outside after a run: every order has exactly one terminal
/// state; no order is charged twice; every failed or cancelled order that was charged is refunded exactly once (and no
/// other is); a completed order has one shipment and any other order none that stands (a cancellation wins: Shipping
/// voids a shipment it made before it heard of it); stock is never negative and is conserved; no notification is sent
/// twice for one event.
/// </summary>
public static class InvariantCheck
{
    /// <summary>Checks a run. <paramref name="placed"/>: the orders the run placed (accepted by the API).</summary>
    public static InvariantReport Check(EventLedger ledger, IEnumerable<Guid> placed, IReadOnlyList<StockLevel> stock, IEnumerable<SentNotification> notifications)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        var violations = new List<string>();
        var orders = placed.ToHashSet();
        var created = ledger.Of<OrderCreated>().GroupBy(e => e.OrderId).ToDictionary(g => g.Key, g => g.Count());
        var terminal = ledger.Of<OrderCompleted>().Select(e => (e.OrderId, State: "completed"))
            .Concat(ledger.Of<OrderFailed>().Select(e => (e.OrderId, State: "failed")))
            .Concat(ledger.Of<OrderCancelled>().Select(e => (e.OrderId, State: "cancelled")))
            .GroupBy(t => t.OrderId)
            .ToDictionary(g => g.Key, g => g.Select(t => t.State).ToList());
        var charges = ledger.Of<PaymentProcessed>().GroupBy(e => e.OrderId).ToDictionary(g => g.Key, g => g.Count());
        var refunds = ledger.Of<PaymentRefunded>().GroupBy(e => e.OrderId).ToDictionary(g => g.Key, g => g.Count());
        var shipments = ledger.Of<OrderShipped>().GroupBy(e => e.OrderId).ToDictionary(g => g.Key, g => g.Count());
        var voided = ledger.Of<ShipmentCancelled>().GroupBy(e => e.OrderId).ToDictionary(g => g.Key, g => g.Count());

        foreach (var order in orders.Union(created.Keys))
        {
            if (!orders.Contains(order))
            {
                violations.Add($"order {order} was created but the run never placed it");
            }

            if (created.GetValueOrDefault(order) != 1)
            {
                violations.Add($"order {order} has {created.GetValueOrDefault(order)} OrderCreated events");
            }

            var states = terminal.GetValueOrDefault(order) ?? [];
            if (states.Count != 1)
            {
                violations.Add($"order {order} has {states.Count} terminal states ({string.Join(", ", states)})");
            }

            var charged = charges.GetValueOrDefault(order);
            if (charged > 1)
            {
                violations.Add($"order {order} was charged {charged} times");
            }

            var refunded = refunds.GetValueOrDefault(order);
            var mustRefund = charged > 0 && states.Count == 1 && states[0] is "failed" or "cancelled";
            if (refunded != (mustRefund ? 1 : 0))
            {
                violations.Add($"order {order} ({string.Join(", ", states)}, charged {charged}×) was refunded {refunded} times");
            }

            var shipped = shipments.GetValueOrDefault(order);
            var cancelledShipments = voided.GetValueOrDefault(order);
            var mustShip = states.Count == 1 && states[0] == "completed";
            if (shipped > 1 || cancelledShipments > shipped || shipped - cancelledShipments != (mustShip ? 1 : 0))
            {
                violations.Add($"order {order} ({string.Join(", ", states)}) was shipped {shipped}× and {cancelledShipments} shipment(s) voided");
            }
        }

        foreach (var level in stock)
        {
            var product = Catalog.Find(level.Sku);
            if (level.Available < 0 || level.Reserved < 0)
            {
                violations.Add($"{level.Sku} has negative stock: {level.Available} available, {level.Reserved} reserved");
            }

            if (product is not null && level.Available + level.Reserved != product.InitialStock)
            {
                violations.Add($"{level.Sku} is not conserved: {level.Available} available + {level.Reserved} reserved != {product.InitialStock} initial");
            }
        }

        foreach (var duplicate in notifications.GroupBy(n => n.EventKey).Where(g => g.Count() > 1))
        {
            violations.Add($"event {duplicate.Key} was notified {duplicate.Count()} times");
        }

        int Count(string state) => terminal.Values.Count(s => s.Count == 1 && s[0] == state);
        return new InvariantReport(violations, orders.Count, Count("completed"), Count("failed"), Count("cancelled"), refunds.Values.Sum());
    }
}
