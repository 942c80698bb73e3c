using System.Globalization;
using Shop.Notification;

namespace Shop;

/// <summary>The shop executable's SMTP settings (<c>--smtp</c>, <c>--smtp-from</c>, <c>--smtp-tls</c> and their environment variables) as <see cref="SmtpOptions"/>.</summary>
public static class SmtpArguments
{
    /// <summary>
    /// The options, or null when <paramref name="server"/> is empty (the mailbox only). <paramref name="server"/> is
    /// <c>host:port</c> (<c>[::1]:25</c> for an IPv6 address); <paramref name="tls"/> is <c>none</c>, <c>starttls</c>
    /// (when empty) or <c>sslonconnect</c>. Throws <see cref="ArgumentException"/> naming the bad setting.
    /// </summary>
    public static SmtpOptions? Parse(string? server, string? from, string? tls = null, string? username = null, string? password = null)
    {
        if (string.IsNullOrWhiteSpace(server))
        {
            return null;
        }

        var (host, port) = HostAndPort(server.Trim());
        if (string.IsNullOrWhiteSpace(from))
        {
            throw new ArgumentException("--smtp needs --smtp-from (or SHOP_SMTP_FROM): the address the notifications come from.");
        }

        var options = new SmtpOptions
        {
            Host = host,
            Port = port,
            From = from.Trim(),
            Tls = TlsMode(tls),
            Username = string.IsNullOrEmpty(username) ? null : username,
            Password = string.IsNullOrEmpty(password) ? null : password,
        };
        options.Validate();
        return options;
    }

    private static (string Host, int Port) HostAndPort(string server)
    {
        var colon = server.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(server.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"--smtp takes host:port (a port from 1 to 65535), not '{server}'.");
        }

        var host = server[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw new ArgumentException($"--smtp: write an IPv6 address in brackets, [{host}]:{port}.");
        }

        return (host, port);
    }

    private static SmtpTlsMode TlsMode(string? tls) => tls?.Trim().ToLowerInvariant() switch
    {
        null or "" or "starttls" => SmtpTlsMode.StartTls,
        "none" => SmtpTlsMode.None,
        "sslonconnect" => SmtpTlsMode.SslOnConnect,
        _ => throw new ArgumentException($"--smtp-tls is none, starttls or sslonconnect, not '{tls}'."),
    };
}
