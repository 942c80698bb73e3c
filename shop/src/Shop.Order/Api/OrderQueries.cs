using System.Data.Common;
using System.Text.Json;
using Shop.Infrastructure;
using Shop.Order.Domain;
using Shop.Order.Projections;

namespace Shop.Order.Api;

internal sealed record OrderLineView(string Sku, int Quantity, decimal UnitPrice);

internal sealed record TimelineEntry(DateTimeOffset At, string Event, string Detail);

internal sealed record OrderView(
    Guid Id,
    string CustomerId,
    string Email,
    string Status,
    decimal Total,
    string Currency,
    IReadOnlyList<OrderLineView> Lines,
    string? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<TimelineEntry> Timeline);

/// <summary>An order in a customer's list; <c>FinishedAt</c> is when it reached its terminal status (null while it is under way).</summary>
internal sealed record OrderListItem(Guid Id, string Status, decimal Total, string Currency, string? Reason, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt, DateTimeOffset? FinishedAt);

/// <summary>The API's queries: they read the views of <see cref="OrderSummaries"/>, never the event stream.</summary>
internal sealed class OrderQueries(ShopDatabase database)
{
    private const int MaxListed = 100;

    public async Task<OrderView?> FindAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        var key = OrderSummaries.Key(id);
        OrderView order;
        await using (var command = connection.Command(null,
            $"SELECT customer_id, email, status, total_cents, currency, lines, reason, created_at, updated_at FROM {OrderSummaries.SummariesView} WHERE order_id = @p0", key))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            var lines = JsonSerializer.Deserialize<List<OrderLineView>>(reader.GetString(5), JsonSerializerOptions.Web) ?? [];
            order = new OrderView(
                id, reader.GetString(0), reader.GetString(1), reader.GetString(2), Money.FromCents(reader.GetInt64(3)), reader.GetString(4), lines,
                NullableString(reader, 6), Time(reader.GetInt64(7)), Time(reader.GetInt64(8)), null, []);
        }

        var timeline = await TimelineAsync(connection, key, cancellationToken).ConfigureAwait(false);
        var finished = timeline.FirstOrDefault(t => OrderStatus.IsTerminal(t.Event));
        return order with { Timeline = timeline, FinishedAt = finished?.At };
    }

    public async Task<IReadOnlyList<OrderListItem>> ListAsync(string customerId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(null,
            $"SELECT s.order_id, s.status, s.total_cents, s.currency, s.reason, s.created_at, s.updated_at, " +
            $"(SELECT MIN(t.at) FROM {OrderSummaries.TimelineView} t WHERE t.order_id = s.order_id AND t.kind IN ('{OrderStatus.Completed}', '{OrderStatus.Failed}', '{OrderStatus.Cancelled}')) " +
            $"FROM {OrderSummaries.SummariesView} s WHERE s.customer_id = @p0 ORDER BY s.created_at DESC, s.order_id LIMIT {MaxListed}", customerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var orders = new List<OrderListItem>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            orders.Add(new OrderListItem(
                Guid.Parse(reader.GetString(0)), reader.GetString(1), Money.FromCents(reader.GetInt64(2)), reader.GetString(3),
                NullableString(reader, 4), Time(reader.GetInt64(5)), Time(reader.GetInt64(6)), reader.IsDBNull(7) ? null : Time(reader.GetInt64(7))));
        }

        return orders;
    }

    public async Task<string?> StatusAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(null, $"SELECT status FROM {OrderSummaries.SummariesView} WHERE order_id = @p0", OrderSummaries.Key(id));
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
    }

    private static async Task<IReadOnlyList<TimelineEntry>> TimelineAsync(DbConnection connection, string key, CancellationToken cancellationToken)
    {
        await using var command = connection.Command(null, $"SELECT at, kind, detail FROM {OrderSummaries.TimelineView} WHERE order_id = @p0 ORDER BY version", key);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var timeline = new List<TimelineEntry>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            timeline.Add(new TimelineEntry(Time(reader.GetInt64(0)), reader.GetString(1), reader.GetString(2)));
        }

        return timeline;
    }

    private static string? NullableString(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset Time(long unixMilliseconds) => DateTimeOffset.FromUnixTimeMilliseconds(unixMilliseconds);
}
