namespace Switchboard.InMemory;

/// <summary>Limits of an in-memory network. Every buffer is bounded: a full queue makes senders wait.</summary>
public sealed record InMemoryNetworkOptions
{
    /// <summary>
    /// Most messages one queue holds (ready, scheduled and unacknowledged together). A send to a full queue
    /// waits for room. Default 100,000.
    /// </summary>
    public int QueueCapacity { get; init; } = 100_000;

    /// <summary>Most dead letters one queue keeps; dead-lettering into a full one waits. Default 10,000.</summary>
    public int DeadLetterCapacity { get; init; } = 10_000;
}
