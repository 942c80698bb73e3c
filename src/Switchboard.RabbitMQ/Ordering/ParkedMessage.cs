using Switchboard.Messages;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>A message read from a parked key's queue; it leaves the queue when acknowledged.</summary>
internal sealed class ParkedMessage
{
    private readonly ParkedReader _reader;
    private readonly ulong _deliveryTag;

    internal ParkedMessage(ParkedReader reader, ulong deliveryTag, Envelope envelope, bool redelivered)
    {
        _reader = reader;
        _deliveryTag = deliveryTag;
        Envelope = envelope;
        Redelivered = redelivered;
    }

    /// <summary>The message as it was parked, headers (and its ordering key) included.</summary>
    public Envelope Envelope { get; }

    /// <summary>True when a reader had it before and gave it back unacknowledged (a crash or a hand-over mid-drain).</summary>
    public bool Redelivered { get; }

    /// <summary>Removes it from the queue: it was handled (or dead-lettered).</summary>
    public ValueTask AckAsync(CancellationToken cancellationToken) => _reader.AckAsync(_deliveryTag, cancellationToken);
}
