namespace Switchboard.Transport;

/// <summary>An endpoint's queue and the topics (message type names) it subscribes to.</summary>
/// <param name="Queue">The endpoint's queue name.</param>
/// <param name="Topics">The topics whose published messages this queue receives a copy of.</param>
public sealed record EndpointDeclaration(string Queue, IReadOnlyCollection<string> Topics)
{
    /// <summary>
    /// Whether the queue keeps the order of each ordering key (<see cref="Messages.HeaderNames.OrderingKey"/>): only a
    /// transport that is an <see cref="IOrderedTransport"/> accepts it.
    /// </summary>
    public bool Ordered { get; init; }
}
