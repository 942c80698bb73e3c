using Shop.Infrastructure;
using Switchboard.Persistence;

namespace Shop.Notification;

/// <summary>
/// The default sender: writes each notification into the service's <c>notification_mailbox</c> table as a statement of
/// the handler's unit of work, so it commits with the event's inbox record. Its primary key makes a second write of one id a no-op.
/// </summary>
public sealed class MailboxNotificationSender(ISqlUnitOfWork unitOfWork) : INotificationSender
{
    /// <inheritdoc />
    public async ValueTask SendAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        await unitOfWork.EnlistWriteAsync(
            new StoreWrite(
                """
                INSERT INTO notification_mailbox (id, kind, order_id, customer_id, email, subject, body, created)
                VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7) ON CONFLICT (id) DO NOTHING
                """,
                notification.Id,
                notification.Kind,
                notification.OrderId.ToString(),
                notification.CustomerId,
                notification.Email,
                notification.Subject,
                notification.Body,
                notification.CreatedAt.ToUnixTimeMilliseconds()),
            cancellationToken).ConfigureAwait(false);
    }
}
