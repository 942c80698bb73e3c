using MailKit.Net.Smtp;
using MailKit.Security;
using MimeKit;

namespace Shop.Notification;

/// <summary>
/// Sends each notification as an email over SMTP (MailKit), built by <see cref="NotificationEmail"/>: from
/// <see cref="SmtpOptions.From"/> to the customer, with the notification's subject and text and a <c>Message-ID</c>
/// derived from <see cref="Notification.Id"/>. It only sends: <c>AddNotificationService</c> with
/// <see cref="NotificationOptions.Smtp"/> records every notification in the mailbox too, after this succeeded.
/// </summary>
/// <remarks>
/// <para>
/// At least once: the mail server is outside the handler's transaction, so a crash (or a failed commit) after the
/// server took the message and before the event's unit of work committed sends it again when the event is
/// redelivered, with the same <c>Message-ID</c>, by which a receiver can drop the copy.
/// </para>
/// <para>
/// Any failure (server unreachable, refused, TLS, authentication, timeout) throws, so the event is retried by the
/// endpoint's retry policy and dead-lettered when that runs out. One connection per message: simple, and a
/// <see cref="SmtpClient"/> is not safe for the endpoint's concurrent handlers.
/// </para>
/// </remarks>
public sealed class SmtpNotificationSender : INotificationSender
{
    private readonly SmtpOptions _options;
    private readonly MailboxAddress _from;

    /// <summary>Creates the sender; throws <see cref="ArgumentException"/> for options that could never work.</summary>
    public SmtpNotificationSender(SmtpOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _from = options.Validate();
        _options = options;
    }

    /// <inheritdoc />
    public async ValueTask SendAsync(Notification notification, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(notification);
        using var message = NotificationEmail.Create(notification, _from);
        using var client = new SmtpClient { Timeout = (int)_options.Timeout.TotalMilliseconds };
        await client.ConnectAsync(_options.Host, _options.Port, Secure(_options.Tls), cancellationToken).ConfigureAwait(false);
        if (!string.IsNullOrEmpty(_options.Username))
        {
            await client.AuthenticateAsync(_options.Username, _options.Password ?? "", cancellationToken).ConfigureAwait(false);
        }

        await client.SendAsync(message, cancellationToken).ConfigureAwait(false);

        try
        {
            await client.DisconnectAsync(quit: true, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is IOException or SmtpProtocolException or SmtpCommandException or OperationCanceledException)
        {
            // The server accepted the message already: a failed QUIT must not make the event retry and send it again.
        }
    }

    private static SecureSocketOptions Secure(SmtpTlsMode mode) => mode switch
    {
        SmtpTlsMode.None => SecureSocketOptions.None,
        SmtpTlsMode.StartTls => SecureSocketOptions.StartTls,
        SmtpTlsMode.SslOnConnect => SecureSocketOptions.SslOnConnect,
        _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown TLS mode."),
    };
}
