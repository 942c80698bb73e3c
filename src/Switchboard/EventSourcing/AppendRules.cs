namespace Switchboard.EventSourcing;

/// <summary>The rules of <see cref="IEventStoreWriter.AppendAsync"/> that do not depend on where events are stored, for providers.</summary>
public static class AppendRules
{
    /// <summary>Throws <see cref="ArgumentException"/> for an invalid stream id, an empty batch, or an invalid event id or type name.</summary>
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

    /// <summary>
    /// Decides, from how the store finds an event by id, whether the batch repeats an earlier append: the earlier
    /// result when every id is already in the stream, consecutively and in order; null when no id is in the store;
    /// <see cref="DuplicateEventIdException"/> for any other reuse.
    /// </summary>
    public static AppendResult? FindRepeat(string streamId, IReadOnlyList<EventData> events, Func<string, RecordedEvent?> find)
    {
        RecordedEvent? previous = null;
        for (var index = 0; index < events.Count; index++)
        {
            var existing = find(events[index].EventId);
            var continues = existing is not null
                && existing.StreamId == streamId
                && (previous is null || existing.StreamVersion == previous.StreamVersion + 1);
            if (existing is null && index == 0)
            {
                return CheckNoneExist(streamId, events, find);
            }

            if (!continues)
            {
                throw new DuplicateEventIdException(streamId, (existing ?? find(events[0].EventId)!).EventId);
            }

            previous = existing;
        }

        return new AppendResult(previous!.StreamVersion, previous.Position, AlreadyAppended: true);
    }

    private static AppendResult? CheckNoneExist(string streamId, IReadOnlyList<EventData> events, Func<string, RecordedEvent?> find)
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
