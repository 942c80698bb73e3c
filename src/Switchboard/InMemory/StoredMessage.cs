using Switchboard.Messages;

namespace Switchboard.InMemory;

/// <summary>A message held by an in-memory queue, with the number of times it was delivered.</summary>
internal sealed class StoredMessage(Envelope envelope, int deliveryCount = 0)
{
    public Envelope Envelope { get; } = envelope;

    public int DeliveryCount { get; set; } = deliveryCount;

    /// <summary>The message's ordering key, or null.</summary>
    public string? OrderingKey => Envelope.Headers.GetValueOrDefault(HeaderNames.OrderingKey);

    /// <summary>On an ordered queue: this message is the one of its key that is out (ready, delivered, deferred or parked).</summary>
    public bool HoldsKey { get; set; }

    /// <summary>On an ordered queue: this message was dead-lettered and holds its key until it is re-driven or deleted.</summary>
    public bool Parked { get; set; }
}
