namespace Shop.Notification;

/// <summary>
/// Delivers each notification through <paramref name="delivery"/> (an email), then records it in the mailbox, so
/// <c>GET /customers/{id}/notifications</c> lists what was sent whichever way it went.
/// </summary>
/// <remarks>
/// Delivery first: it is a call out of the process, made while the handler holds no transaction yet (on SQLite a
/// held transaction is the process's one writer, which every other handler waits for). If it throws, nothing is
/// recorded and the event is retried; if the unit of work fails after it, the retry delivers again (at least once).
/// </remarks>
internal sealed class RecordingNotificationSender(INotificationSender delivery, MailboxNotificationSender mailbox) : INotificationSender
{
    public async ValueTask SendAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        await delivery.SendAsync(notification, cancellationToken).ConfigureAwait(false);
        await mailbox.SendAsync(notification, cancellationToken).ConfigureAwait(false);
    }
}
