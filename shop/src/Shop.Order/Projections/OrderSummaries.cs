using System.Text.Json;
using Shop.Infrastructure;
using Shop.Order.Domain;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Projections;

namespace Shop.Order.Projections;

/// <summary>
/// The orders' read model: one row per order in <c>order_summaries</c> (status, customer, total, lines) and what
/// happened to it, when, in <c>order_timeline</c> (one row per event of the order's stream that the customer cares
/// about, keyed by its stream version). The API queries the views of these names, never the event stream.
/// </summary>
public sealed class OrderSummaries : SqlProjection
{
    /// <summary>The view of the orders.</summary>
    public const string SummariesView = "order_summaries";

    /// <summary>The view of the orders' timelines.</summary>
    public const string TimelineView = "order_timeline";

    /// <summary>Declares how each of the order stream's events changes the read model.</summary>
    public OrderSummaries()
        : base("order-summaries")
    {
        When<OrderPlaced>(async (ctx, e, recorded, ct) =>
        {
            var lines = JsonSerializer.Serialize(e.Lines.Select(l => new { sku = l.Sku, quantity = l.Quantity, unitPrice = l.UnitPrice }));
            var at = e.PlacedAt.ToUnixTimeMilliseconds();
            await ctx.ExecuteAsync(
                $"INSERT INTO {ctx.Table(SummariesView)} (order_id, customer_id, email, status, total_cents, currency, lines, reason, created_at, updated_at) " +
                "VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, NULL, @p7, @p7) ON CONFLICT (order_id) DO NOTHING",
                ct, Key(e.OrderId), e.CustomerId, e.Email, OrderStatus.Received, Money.ToCents(e.Total), e.Currency, lines, at).ConfigureAwait(false);
            var items = e.Lines.Sum(l => l.Quantity);
            await TimelineAsync(ctx, e.OrderId, recorded, "received", FormattableString.Invariant($"{items} item(s), {e.Total:0.00} {e.Currency}"), e.PlacedAt, ct).ConfigureAwait(false);
        });
        When<OrderMarkedPaid>((ctx, e, recorded, ct) =>
            ProgressAsync(ctx, e.OrderId, recorded, OrderStatus.Paid, "payment-processed", FormattableString.Invariant($"charged {e.Amount:0.00} {e.Currency} (payment {e.PaymentId})"), e.PaidAt, null, ct));
        When<OrderMarkedReserved>((ctx, e, recorded, ct) =>
            ProgressAsync(ctx, e.OrderId, recorded, OrderStatus.Reserved, "inventory-reserved", "stock reserved", e.ReservedAt, null, ct));
        When<OrderMarkedShipped>((ctx, e, recorded, ct) =>
            ProgressAsync(ctx, e.OrderId, recorded, OrderStatus.Shipped, "shipped", $"shipment {e.ShipmentId}, tracking {e.TrackingNumber}", e.ShippedAt, null, ct));
        When<OrderMarkedCompleted>((ctx, e, recorded, ct) =>
            ProgressAsync(ctx, e.OrderId, recorded, OrderStatus.Completed, "completed", "order completed", e.CompletedAt, null, ct));
        When<OrderMarkedFailed>((ctx, e, recorded, ct) =>
            ProgressAsync(ctx, e.OrderId, recorded, OrderStatus.Failed, "failed", e.Reason, e.FailedAt, e.Reason, ct));
        When<OrderMarkedCancelled>((ctx, e, recorded, ct) =>
            ProgressAsync(ctx, e.OrderId, recorded, OrderStatus.Cancelled, "cancelled", e.Reason, e.CancelledAt, e.Reason, ct));
        When<OrderMarkedRefunded>((ctx, e, recorded, ct) =>
            TimelineAsync(ctx, e.OrderId, recorded, "refunded", FormattableString.Invariant($"refunded {e.Amount:0.00} {e.Currency}: {e.Reason}"), e.RefundedAt, ct));
        When<OrderMarkedShipmentCancelled>((ctx, e, recorded, ct) =>
            TimelineAsync(ctx, e.OrderId, recorded, "shipment-cancelled", $"shipment {e.ShipmentId} voided: {e.Reason}", e.CancelledAt, ct));
    }

    /// <summary>Only the order streams.</summary>
    public override EventFilter Filter => EventFilter.ForCategories("order");

    /// <inheritdoc />
    public override async ValueTask CreateSchemaAsync(SqlProjectionContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var summaries = context.Table(SummariesView);
        var timeline = context.Table(TimelineView);
        await context.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS {summaries} (order_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, email TEXT NOT NULL, status TEXT NOT NULL, " +
            "total_cents BIGINT NOT NULL, currency TEXT NOT NULL, lines TEXT NOT NULL, reason TEXT NULL, created_at BIGINT NOT NULL, updated_at BIGINT NOT NULL)",
            cancellationToken).ConfigureAwait(false);
        await context.ExecuteAsync($"CREATE INDEX IF NOT EXISTS {summaries}_customer ON {summaries} (customer_id, created_at)", cancellationToken).ConfigureAwait(false);
        await context.ExecuteAsync(
            $"CREATE TABLE IF NOT EXISTS {timeline} (order_id TEXT NOT NULL, version BIGINT NOT NULL, at BIGINT NOT NULL, kind TEXT NOT NULL, detail TEXT NOT NULL, " +
            "PRIMARY KEY (order_id, version))",
            cancellationToken).ConfigureAwait(false);
    }

    internal static string Key(Guid orderId) => orderId.ToString("D");

    private static async ValueTask ProgressAsync(SqlProjectionContext ctx, Guid orderId, RecordedEvent recorded, string status, string kind, string detail, DateTimeOffset at, string? reason, CancellationToken ct)
    {
        if (reason is null && !OrderStatus.IsTerminal(status))
        {
            // A milestone that came after the terminal state goes on the timeline but does not change the status.
            await ctx.ExecuteAsync(
                $"UPDATE {ctx.Table(SummariesView)} SET status = @p1, updated_at = @p2 WHERE order_id = @p0 AND status NOT IN (@p3, @p4, @p5)",
                ct, Key(orderId), status, at.ToUnixTimeMilliseconds(), OrderStatus.Completed, OrderStatus.Failed, OrderStatus.Cancelled).ConfigureAwait(false);
        }
        else if (reason is null)
        {
            await ctx.ExecuteAsync(
                $"UPDATE {ctx.Table(SummariesView)} SET status = @p1, updated_at = @p2 WHERE order_id = @p0",
                ct, Key(orderId), status, at.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        }
        else
        {
            await ctx.ExecuteAsync(
                $"UPDATE {ctx.Table(SummariesView)} SET status = @p1, reason = @p2, updated_at = @p3 WHERE order_id = @p0",
                ct, Key(orderId), status, reason, at.ToUnixTimeMilliseconds()).ConfigureAwait(false);
        }

        await TimelineAsync(ctx, orderId, recorded, kind, detail, at, ct).ConfigureAwait(false);
    }

    private static async ValueTask TimelineAsync(SqlProjectionContext ctx, Guid orderId, RecordedEvent recorded, string kind, string detail, DateTimeOffset at, CancellationToken ct) =>
        await ctx.ExecuteAsync(
            $"INSERT INTO {ctx.Table(TimelineView)} (order_id, version, at, kind, detail) VALUES (@p0, @p1, @p2, @p3, @p4) ON CONFLICT (order_id, version) DO NOTHING",
            ct, Key(orderId), recorded.StreamVersion, at.ToUnixTimeMilliseconds(), kind, detail).ConfigureAwait(false);
}
