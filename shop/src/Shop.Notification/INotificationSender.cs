namespace Shop.Notification;

/// <summary>Delivers a notification. Called inside the handler's unit of work; a throw retries the event.</summary>
public interface INotificationSender
{
    /// <summary>Delivers <paramref name="notification"/>; a second call with the same <see cref="Notification.Id"/> must not deliver it again.</summary>
    ValueTask SendAsync(Notification notification, CancellationToken cancellationToken = default);
}
