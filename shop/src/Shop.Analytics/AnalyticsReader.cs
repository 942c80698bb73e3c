using System.Globalization;
using Shop.Contracts;
using Shop.Infrastructure;
using Switchboard.Diagnostics;

namespace Shop.Analytics;

/// <summary>Computes the figures from the Analytics service's table.</summary>
public static class AnalyticsReader
{
    /// <summary>How many minutes <see cref="OrdersPerMinute.LastMinutes"/> covers.</summary>
    public const int LastMinutesShown = 10;

    private const long MinuteMs = 60_000;

    /// <summary>The figures now.</summary>
    public static async Task<AnalyticsReport> ReadAsync(ShopDatabase database, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);

        var events = new Dictionary<string, long>(StringComparer.Ordinal);
        var cents = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = connection.Command(transaction, "SELECT kind, COUNT(*), SUM(amount_cents) FROM analytics_facts GROUP BY kind"))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events[reader.GetString(0)] = ToLong(reader.GetValue(1));
                cents[reader.GetString(0)] = ToLong(reader.GetValue(2));
            }
        }

        var reasons = new List<FailureReasonCount>();
        await using (var command = connection.Command(
            transaction,
            "SELECT kind, reason, COUNT(*) FROM analytics_facts WHERE kind IN (@p0, @p1, @p2) GROUP BY kind, reason",
            EventKinds.PaymentFailed,
            EventKinds.InventoryUpdateFailed,
            EventKinds.OrderFailed))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                reasons.Add(new FailureReasonCount(reader.GetString(0), reader.GetString(1), ToLong(reader.GetValue(2))));
            }
        }

        var durations = new List<long>();
        await using (var command = connection.Command(
            transaction,
            "SELECT s.at_ms - c.at_ms FROM analytics_facts c JOIN analytics_facts s ON s.order_id = c.order_id AND s.kind = @p1 WHERE c.kind = @p0 " +
            "AND NOT EXISTS (SELECT 1 FROM analytics_facts v WHERE v.order_id = c.order_id AND v.kind = @p2)",
            EventKinds.OrderCreated,
            EventKinds.OrderShipped,
            EventKinds.ShipmentCancelled))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                durations.Add(ToLong(reader.GetValue(0)));
            }
        }

        var minutes = new SortedDictionary<long, long>();
        await using (var command = connection.Command(
            transaction,
            "SELECT at_ms / 60000, COUNT(*) FROM analytics_facts WHERE kind = @p0 GROUP BY at_ms / 60000",
            EventKinds.OrderCreated))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                minutes[ToLong(reader.GetValue(0))] = ToLong(reader.GetValue(1));
            }
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);

        var captured = Money.FromCents(cents.GetValueOrDefault(EventKinds.PaymentProcessed));
        var refunded = Money.FromCents(cents.GetValueOrDefault(EventKinds.PaymentRefunded));
        return new AnalyticsReport(
            events.GetValueOrDefault(EventKinds.OrderCreated),
            events.GetValueOrDefault(EventKinds.OrderCompleted),
            events.GetValueOrDefault(EventKinds.OrderFailed),
            events.GetValueOrDefault(EventKinds.OrderCancelled),
            events.GetValueOrDefault(EventKinds.OrderShipped) - events.GetValueOrDefault(EventKinds.ShipmentCancelled),
            events.GetValueOrDefault(EventKinds.ShipmentCancelled),
            captured,
            refunded,
            captured - refunded,
            Catalog.Currency,
            [.. reasons.OrderByDescending(r => r.Count).ThenBy(r => r.Source, StringComparer.Ordinal).ThenBy(r => r.Reason, StringComparer.Ordinal)],
            TimeToShipOf(durations),
            PerMinute(minutes),
            events);
    }

    private static TimeToShip TimeToShipOf(List<long> durations)
    {
        if (durations.Count == 0)
        {
            return new TimeToShip(0, null, null);
        }

        durations.Sort();
        return new TimeToShip(durations.Count, NearestRank.Percentile(durations, 50), NearestRank.Percentile(durations, 95));
    }

    private static OrdersPerMinute PerMinute(SortedDictionary<long, long> minutes)
    {
        if (minutes.Count == 0)
        {
            return new OrdersPerMinute([], 0);
        }

        var first = minutes.Keys.First();
        var last = minutes.Keys.Last();
        var shown = new List<MinuteCount>();
        for (var minute = Math.Max(first, last - LastMinutesShown + 1); minute <= last; minute++)
        {
            shown.Add(new MinuteCount(DateTimeOffset.FromUnixTimeMilliseconds(minute * MinuteMs), minutes.GetValueOrDefault(minute)));
        }

        return new OrdersPerMinute(shown, (double)minutes.Values.Sum() / (last - first + 1));
    }

    private static long ToLong(object value) => value is DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
