namespace Switchboard.Transport;

/// <summary>How a receiver consumes its queue.</summary>
/// <param name="Prefetch">At most this many messages are held by the receiver unsettled (delivered, not yet acknowledged).</param>
public sealed record ReceiverOptions(int Prefetch = 64);
