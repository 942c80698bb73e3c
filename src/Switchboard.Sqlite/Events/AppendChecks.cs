using Switchboard.EventSourcing;

namespace Switchboard.Sqlite.Events;

/// <summary>What the store knows about an event already recorded under an id.</summary>
internal readonly record struct RecordedId(string StreamId, long Version, long Position);

/// <summary>
/// Decides whether an append whose ids are (partly) in the store already repeats an earlier append: the earlier
/// result when every id is in the stream, consecutively and in order; null when no id is in the store;
/// <see cref="DuplicateEventIdException"/> for any other reuse.
/// </summary>
internal static class AppendChecks
{
    /// <summary>Throws <see cref="ArgumentException"/> for an invalid stream id, an empty batch, or an invalid or repeated event id or type name.</summary>
    public static void Validate(string streamId, IReadOnlyList<EventData> events)
    {
        StreamNames.Validate(streamId);
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }

        var ids = new HashSet<string>(events.Count, StringComparer.Ordinal);
        foreach (var data in events)
        {
            ArgumentNullException.ThrowIfNull(data, nameof(events));
            CheckName(data.EventId, "event id");
            CheckName(data.Type, "event type name");
            if (!ids.Add(data.EventId))
            {
                throw new ArgumentException($"Event id '{data.EventId}' appears twice in one append.", nameof(events));
            }
        }
    }

    public static AppendResult? FindRepeat(string streamId, IReadOnlyList<EventData> events, Func<string, RecordedId?> find)
    {
        RecordedId? previous = null;
        for (var index = 0; index < events.Count; index++)
        {
            var existing = find(events[index].EventId);
            if (existing is null && index == 0)
            {
                return CheckNoneExist(streamId, events, find);
            }

            var continues = existing is { } found
                && found.StreamId == streamId
                && (previous is not { } before || found.Version == before.Version + 1);
            if (!continues)
            {
                throw new DuplicateEventIdException(streamId, existing is null ? events[0].EventId : events[index].EventId);
            }

            previous = existing;
        }

        return new AppendResult(previous!.Value.Version, previous.Value.Position, AlreadyAppended: true);
    }

    private static AppendResult? CheckNoneExist(string streamId, IReadOnlyList<EventData> events, Func<string, RecordedId?> find)
    {
        for (var index = 1; index < events.Count; index++)
        {
            if (find(events[index].EventId) is not null)
            {
                throw new DuplicateEventIdException(streamId, events[index].EventId);
            }
        }

        return null;
    }

    private static void CheckName(string value, string what)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, what);
        if (value.Length > EventData.MaxNameLength)
        {
            throw new ArgumentException($"An {what} is at most {EventData.MaxNameLength} characters.", what);
        }
    }
}
