namespace Switchboard.EventSourcing;

/// <summary>An event as the store recorded it.</summary>
/// <param name="StreamId">The stream it belongs to, e.g. <c>order-42</c>.</param>
/// <param name="StreamVersion">Its version in the stream: 1 for the stream's first event.</param>
/// <param name="Position">
/// Its global position: positive, unique, and increasing in the store's global order (the order
/// <see cref="IEventStoreReader.ReadAllAsync"/> returns). Positions may have gaps (rolled-back appends) and need not be dense.
/// </param>
/// <param name="EventId">The id it was appended with.</param>
/// <param name="Type">Its stored type name (before upcasting).</param>
/// <param name="Data">Its UTF-8 JSON data as stored (before upcasting).</param>
/// <param name="Metadata">Correlation, causation and headers.</param>
/// <param name="Created">When the store recorded it.</param>
public sealed record RecordedEvent(
    string StreamId,
    long StreamVersion,
    long Position,
    string EventId,
    string Type,
    ReadOnlyMemory<byte> Data,
    EventMetadata Metadata,
    DateTimeOffset Created)
{
    /// <summary>The stream's category: the part of <see cref="StreamId"/> before the first <c>-</c> (<c>order</c> for <c>order-42</c>).</summary>
    public string Category => StreamNames.Category(StreamId);
}
