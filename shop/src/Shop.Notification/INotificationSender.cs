namespace Shop.Notification;

/// <summary>
/// Delivers a notification. Called inside the handler's unit of work before the handler has touched its transaction,
/// so that a sender may call out of the process first; a throw rolls the unit back and retries the event.
/// </summary>
public interface INotificationSender
{
    /// <summary>
    /// Delivers <paramref name="notification"/>. A second call with the same <see cref="Notification.Id"/> must not
    /// record it again; a sender outside the database (email) can only deliver at least once, and should let the
    /// receiver recognise a copy by that id.
    /// </summary>
    ValueTask SendAsync(Notification notification, CancellationToken cancellationToken = default);
}
