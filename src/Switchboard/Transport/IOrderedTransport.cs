namespace Switchboard.Transport;

/// <summary>
/// A transport that keeps per-key order on queues declared <see cref="EndpointDeclaration.Ordered"/>: it delivers the
/// messages of one ordering key (<see cref="Messages.HeaderNames.OrderingKey"/>) one at a time, in the order they were
/// sent, to all the receivers of the queue together; a message without a key is delivered as on any queue.
/// </summary>
/// <remarks>
/// The delivery of a key's next message waits until the one before it is completed: a message being handled, waiting for
/// a delayed retry or returned to the queue holds its key. A scheduled message joins its key's line when it is due.
/// A message that is dead-lettered parks its key: the key's later messages wait in the queue, not delivered and not lost,
/// until the dead letter is re-driven (it is then delivered first) or deleted, which skips it. Purging deletes them all.
/// </remarks>
public interface IOrderedTransport : ITransport
{
    /// <summary>The keys of <paramref name="queue"/> that a dead letter parks, oldest dead letter first.</summary>
    ValueTask<IReadOnlyList<ParkedKey>> ListParkedKeysAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default);
}
