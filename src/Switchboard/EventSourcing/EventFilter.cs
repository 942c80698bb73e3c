namespace Switchboard.EventSourcing;

/// <summary>
/// Which events a read of all events or a subscription wants: by stream category (<c>order</c> for <c>order-42</c>)
/// and by stored event type name. An empty or null list does not filter; both lists must match when both are set.
/// </summary>
public sealed record EventFilter
{
    /// <summary>Every event.</summary>
    public static EventFilter All { get; } = new();

    /// <summary>Only events of streams in these categories.</summary>
    public IReadOnlyList<string>? Categories { get; init; }

    /// <summary>Only events of these stored type names.</summary>
    public IReadOnlyList<string>? EventTypes { get; init; }

    /// <summary>Whether this filter lets everything through.</summary>
    public bool IsAll => (Categories is null || Categories.Count == 0) && (EventTypes is null || EventTypes.Count == 0);

    /// <summary>Events of streams in these categories.</summary>
    public static EventFilter ForCategories(params string[] categories) => new() { Categories = categories };

    /// <summary>Events of these stored type names.</summary>
    public static EventFilter ForEventTypes(params string[] eventTypes) => new() { EventTypes = eventTypes };

    /// <summary>Whether an event of <paramref name="type"/> in <paramref name="streamId"/> passes.</summary>
    public bool Matches(string streamId, string type) =>
        (Categories is null || Categories.Count == 0 || Categories.Contains(StreamNames.Category(streamId)))
        && (EventTypes is null || EventTypes.Count == 0 || EventTypes.Contains(type));
}
