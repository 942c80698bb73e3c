using Switchboard.Messages;
using Switchboard.Sending;

namespace Switchboard.Pipeline;

/// <summary>
/// The <see cref="IMessageContext"/> of one handling attempt. Sends and publishes inherit the correlation id,
/// name the handled message as their cause, and are held in <see cref="Outgoing"/> until the dispatch step
/// releases them after every handler succeeded.
/// </summary>
public sealed class MessageContext : IMessageContext
{
    private readonly EnvelopeFactory _envelopes;
    private readonly Lock _lock = new();
    private List<OutgoingMessage>? _outgoing;

    internal MessageContext(ReceiveContext receive, EnvelopeFactory envelopes)
    {
        Envelope = receive.Envelope;
        Endpoint = receive.Endpoint;
        DeliveryCount = receive.Incoming.DeliveryCount;
        _envelopes = envelopes;
    }

    /// <inheritdoc />
    public Envelope Envelope { get; }

    /// <inheritdoc />
    public string Endpoint { get; }

    /// <inheritdoc />
    public int DeliveryCount { get; }

    /// <summary>The messages the handlers sent or published, not yet dispatched.</summary>
    public IReadOnlyList<OutgoingMessage> Outgoing => (IReadOnlyList<OutgoingMessage>?)_outgoing ?? [];

    /// <inheritdoc />
    public ValueTask SendAsync<TMessage>(TMessage message, SendOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull
    {
        Hold(_envelopes.CreateSend(message, options, Envelope));
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask PublishAsync<TMessage>(TMessage message, PublishOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull
    {
        Hold(_envelopes.CreatePublish(message, options, Envelope));
        return ValueTask.CompletedTask;
    }

    /// <summary>The handler slot this message holds while its handlers run (see <see cref="HandlerSlot"/>).</summary>
    public HandlerSlot Slot { get; } = new();

    /// <summary>Forgets the held messages (after a step such as the outbox has taken them over).</summary>
    public void ClearOutgoing()
    {
        lock (_lock)
        {
            _outgoing?.Clear();
        }
    }

    // Handlers may send from several tasks at once.
    private void Hold(OutgoingMessage message)
    {
        lock (_lock)
        {
            (_outgoing ??= []).Add(message);
        }
    }
}
