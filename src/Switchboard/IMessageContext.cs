using Switchboard.Messages;

namespace Switchboard;

/// <summary>
/// The message being handled, and a bus whose sends and publishes inherit its correlation id and name it as
/// their cause. Also resolvable from the handler's DI scope.
/// </summary>
public interface IMessageContext : IBus
{
    /// <summary>The envelope as received.</summary>
    Envelope Envelope { get; }

    /// <summary>The endpoint (queue) handling the message.</summary>
    string Endpoint { get; }

    /// <summary>How many times the broker has delivered this message (1 on the first delivery).</summary>
    int DeliveryCount { get; }

    /// <summary>The message id.</summary>
    string MessageId => Envelope.MessageId;

    /// <summary>The correlation id (the business conversation).</summary>
    string? CorrelationId => Envelope.CorrelationId;

    /// <summary>The free headers.</summary>
    IReadOnlyDictionary<string, string> Headers => Envelope.Headers;
}
