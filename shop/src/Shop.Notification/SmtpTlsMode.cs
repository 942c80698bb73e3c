namespace Shop.Notification;

/// <summary>How <see cref="SmtpNotificationSender"/> secures its connection to the mail server.</summary>
public enum SmtpTlsMode
{
    /// <summary>Plain text, never TLS (a local mail catcher, a relay on the same host).</summary>
    None,

    /// <summary>Connect in plain text, then upgrade with <c>STARTTLS</c>; a server that does not offer it is an error (the usual submission port 587).</summary>
    StartTls,

    /// <summary>TLS from the first byte (implicit TLS, the usual port 465).</summary>
    SslOnConnect,
}
