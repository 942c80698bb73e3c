namespace Switchboard.EventSourcing;

/// <summary>
/// An append used an event id that is already in the store, but not as a repeat of earlier appends (every id of the
/// batch already in the same stream, consecutively and in the same order): an id of another stream, or a batch that
/// mixes stored and new ids or stored ids out of order. Nothing was appended.
/// </summary>
public sealed class DuplicateEventIdException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    public DuplicateEventIdException(string streamId, string eventId)
        : base($"Event id '{eventId}' is already in the store, and the append to '{streamId}' does not repeat the append that recorded it.")
    {
        StreamId = streamId;
        EventId = eventId;
    }

    /// <summary>The stream of the refused append.</summary>
    public string StreamId { get; }

    /// <summary>The id that was already used.</summary>
    public string EventId { get; }
}
