using Switchboard.Messages;

namespace Switchboard.InMemory;

/// <summary>A message held by an in-memory queue, with the number of times it was delivered.</summary>
internal sealed class StoredMessage(Envelope envelope, int deliveryCount = 0)
{
    public Envelope Envelope { get; } = envelope;

    public int DeliveryCount { get; set; } = deliveryCount;
}
