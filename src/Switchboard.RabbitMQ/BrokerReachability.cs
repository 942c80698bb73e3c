using System.Net.Sockets;
using System.Security.Authentication;
using global::RabbitMQ.Client.Exceptions;

namespace Switchboard.RabbitMQ;

/// <summary>
/// Tells a broker that cannot be reached now (down, restarting, out of reach: trying again later may succeed) from one
/// that refused the connection (credentials, the vhost, a certificate: only a change of configuration helps).
/// </summary>
internal static class BrokerReachability
{
    /// <summary>Whether <paramref name="failure"/> of a connection attempt means only that the broker cannot be reached now.</summary>
    public static bool IsUnreachable(Exception failure, bool tls)
    {
        var causes = Causes(failure).ToList();
        if (causes.Exists(IsRefusal))
        {
            return false;
        }

        if (causes.Exists(c => c is ConnectFailureException or TimeoutException || c is SocketException { SocketErrorCode: not SocketError.ConnectionReset }))
        {
            return true;
        }

        // Closed during the handshake: a proxy with no broker behind it, a broker shutting down. Over TLS, that is also how
        // a broker refuses a client certificate, which waiting does not fix.
        return !tls && causes.Exists(c => c is IOException or EndOfStreamException or OperationInterruptedException);
    }

    /// <summary>What went wrong, in a few words: the innermost cause's message (e.g. "Connection refused").</summary>
    public static string Reason(Exception failure) => Causes(failure).Last().Message.TrimEnd('.');

    // ACCESS_REFUSED (wrong credentials, no access to the vhost), NOT_ALLOWED (no such vhost), a certificate that does not
    // verify, a broker that speaks another protocol.
    private static bool IsRefusal(Exception cause) =>
        cause is AuthenticationFailureException or PossibleAuthenticationFailureException or AuthenticationException or ProtocolVersionMismatchException
        || cause is OperationInterruptedException { ShutdownReason.ReplyCode: 403 or 530 };

    private static IEnumerable<Exception> Causes(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : [];
        foreach (var cause in inner.SelectMany(Causes))
        {
            yield return cause;
        }
    }
}
