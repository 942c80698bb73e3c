using Shop.Infrastructure;

namespace Shop.Notification;

/// <summary>A notification as the API lists it.</summary>
/// <param name="Kind">What it is about, e.g. <c>order-shipped</c>.</param>
/// <param name="OrderId">The order.</param>
/// <param name="Subject">Its subject line.</param>
/// <param name="Body">Its text.</param>
/// <param name="Time">When it was written.</param>
public sealed record CustomerNotification(string Kind, Guid OrderId, string Subject, string Body, DateTimeOffset Time);

/// <summary>Reads the mailbox.</summary>
public static class NotificationReader
{
    /// <summary>The notifications of <paramref name="customerId"/>, oldest first.</summary>
    public static async Task<IReadOnlyList<CustomerNotification>> ReadAsync(ShopDatabase database, string customerId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(database);
        var list = new List<CustomerNotification>();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = connection.Command(null, "SELECT kind, order_id, subject, body, created FROM notification_mailbox WHERE customer_id = @p0 ORDER BY created, id", customerId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(new CustomerNotification(
                reader.GetString(0),
                Guid.Parse(reader.GetString(1)),
                reader.GetString(2),
                reader.GetString(3),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(4))));
        }

        return list;
    }
}
