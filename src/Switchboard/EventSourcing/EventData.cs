namespace Switchboard.EventSourcing;

/// <summary>
/// An event to append: its id (unique in the store; appending the same ids again is a no-op, so a retried append is
/// safe), its stable type name, its JSON data and its metadata. <see cref="EventTypeMap.ToEventData"/> makes one from an
/// event object.
/// </summary>
/// <param name="EventId">Unique in the whole store; at most 200 characters. It is the message id when the event is forwarded to the bus.</param>
/// <param name="Type">The event's stable type name, e.g. <c>order-placed</c>; at most 200 characters.</param>
/// <param name="Data">The event as UTF-8 JSON.</param>
/// <param name="Metadata">Correlation, causation and headers.</param>
public sealed record EventData(string EventId, string Type, ReadOnlyMemory<byte> Data, EventMetadata Metadata)
{
    /// <summary>The longest event id and type name a store accepts.</summary>
    public const int MaxNameLength = 200;
}
