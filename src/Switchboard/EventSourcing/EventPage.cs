namespace Switchboard.EventSourcing;

/// <summary>One page of a read of all events.</summary>
/// <param name="Events">The events that passed the filter, in global order.</param>
/// <param name="NextPosition">
/// Where the next read continues (its <c>afterPosition</c>, and the checkpoint of a reader that has handled
/// <paramref name="Events"/>): the position up to which the store looked, which is past events the filter left out,
/// so a filtered reader never scans them again. Never beyond an event that a transaction still open could commit.
/// </param>
/// <param name="IsEnd">True when the read reached the current end of what can be read; false when the page was full.</param>
public sealed record EventPage(IReadOnlyList<RecordedEvent> Events, long NextPosition, bool IsEnd);
