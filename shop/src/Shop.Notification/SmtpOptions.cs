using System.Text;
using MimeKit;

namespace Shop.Notification;

/// <summary>Where and how <see cref="SmtpNotificationSender"/> sends email.</summary>
public sealed record SmtpOptions
{
    /// <summary>The mail server's host name or address.</summary>
    public required string Host { get; init; }

    /// <summary>Its port. Default 587 (submission, with <see cref="SmtpTlsMode.StartTls"/>).</summary>
    public int Port { get; init; } = 587;

    /// <summary>The sender, e.g. <c>Shop &lt;orders@shop.example&gt;</c>; its domain also names the messages' <c>Message-ID</c>s.</summary>
    public required string From { get; init; }

    /// <summary>The user name to authenticate with; none: no authentication.</summary>
    public string? Username { get; init; }

    /// <summary>The password of <see cref="Username"/>.</summary>
    public string? Password { get; init; }

    /// <summary>How the connection is secured. Default <see cref="SmtpTlsMode.StartTls"/>: a password never crosses the network in clear unless asked for.</summary>
    public SmtpTlsMode Tls { get; init; } = SmtpTlsMode.StartTls;

    /// <summary>How long one network operation (connect, a command, the message) may take before the send fails and is retried. Default 30 s.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Throws <see cref="ArgumentException"/> naming what is wrong; returns the parsed <see cref="From"/> otherwise.</summary>
    public MailboxAddress Validate()
    {
        if (string.IsNullOrWhiteSpace(Host))
        {
            throw new ArgumentException("The SMTP host is required.", nameof(Host));
        }

        if (Port is < 1 or > 65535)
        {
            throw new ArgumentException($"The SMTP port must be between 1 and 65535, not {Port}.", nameof(Port));
        }

        if (Password is not null && string.IsNullOrEmpty(Username))
        {
            throw new ArgumentException("An SMTP password needs a user name.", nameof(Password));
        }

        if (Timeout <= TimeSpan.Zero || Timeout.TotalMilliseconds > int.MaxValue)
        {
            throw new ArgumentException("The SMTP timeout must be positive (and under 24 days).", nameof(Timeout));
        }

        if (!MailboxAddress.TryParse(From, out var from) || string.IsNullOrEmpty(from.Domain))
        {
            throw new ArgumentException($"The sender '{From}' is not an email address (name@domain, optionally \"Name <name@domain>\").", nameof(From));
        }

        return from;
    }

    // Records print every property; the password must not reach a log through ToString.
    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Host = ").Append(Host).Append(", Port = ").Append(Port).Append(", From = ").Append(From)
            .Append(", Username = ").Append(Username).Append(", Password = ").Append(Password is null ? "" : "***")
            .Append(", Tls = ").Append(Tls).Append(", Timeout = ").Append(Timeout);
        return true;
    }
}
