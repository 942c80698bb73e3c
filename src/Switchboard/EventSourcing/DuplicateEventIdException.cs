namespace Switchboard.EventSourcing;

/// <summary>
/// An append used an event id that is already in the store, but not as an exact repeat of an earlier append (the same
/// ids, in the same order, in the same stream): another stream, or only part of a batch. Nothing was appended.
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
