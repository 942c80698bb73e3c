using System.Security.Cryptography;
using System.Text;
using MimeKit;

namespace Shop.Notification;

/// <summary>A notification as an email message.</summary>
public static class NotificationEmail
{
    /// <summary>
    /// The <c>Message-ID</c> (without angle brackets) of the email for the notification <paramref name="notificationId"/>:
    /// the same every time it is sent, so a receiver can drop the copy that a redelivery after a crash sends again.
    /// A hash of the id, since a message id may hold characters a <c>Message-ID</c> may not.
    /// </summary>
    public static string MessageId(string notificationId, string domain)
    {
        ArgumentNullException.ThrowIfNull(notificationId);
        ArgumentException.ThrowIfNullOrEmpty(domain);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(notificationId));
        return $"{Convert.ToHexStringLower(hash.AsSpan(0, 16))}.notification@{domain}";
    }

    /// <summary>The email for <paramref name="notification"/>: from <paramref name="from"/> to the customer, plain text, dated when the notification was written.</summary>
    public static MimeMessage Create(Notification notification, MailboxAddress from)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(from);
        var message = new MimeMessage
        {
            Subject = notification.Subject,
            Date = notification.CreatedAt,
            MessageId = MessageId(notification.Id, from.Domain),
            Body = new TextPart("plain") { Text = notification.Body },
        };
        message.From.Add(from);
        message.To.Add(new MailboxAddress(string.Empty, notification.Email));
        return message;
    }
}
