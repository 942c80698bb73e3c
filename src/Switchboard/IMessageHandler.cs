namespace Switchboard;

/// <summary>Handles one message type. Resolved from DI in a new scope for each message.</summary>
public interface IMessageHandler<in TMessage>
    where TMessage : notnull
{
    /// <summary>
    /// Handles a message. Throwing fails the attempt: it is retried, then dead-lettered. Sends and publishes made
    /// through <paramref name="context"/> are dispatched only when every handler of the message has succeeded.
    /// </summary>
    ValueTask HandleAsync(TMessage message, IMessageContext context, CancellationToken cancellationToken);
}
