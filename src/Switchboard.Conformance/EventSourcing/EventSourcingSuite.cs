using Switchboard.EventSourcing;
using Switchboard.Conformance.EventStores;

namespace Switchboard.Conformance.EventSourcing;

/// <summary>
/// Base of the suites for what runs on top of an event store (subscriptions, projections, aggregates): the event
/// store suites' base, plus the test events' type map and a helper to append them.
/// </summary>
public abstract class EventSourcingSuite<TFactory> : EventStoreSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    /// <summary>The event type map of the suites' test events.</summary>
    protected static EventTypeMap Types { get; } = new EventTypeMap()
        .Map<Counted>("counted")
        .Map<Renamed>("renamed");

    /// <summary>Appends <paramref name="count"/> <see cref="Counted"/> events to <paramref name="stream"/>, one append each; the last result.</summary>
    protected static async Task<AppendResult> AppendCountedAsync(IEventStoreWriter store, string stream, int count, int amount = 1)
    {
        var result = default(AppendResult);
        for (var index = 0; index < count; index++)
        {
            result = await store.AppendAsync(stream, ExpectedVersion.Any, [Types.ToEventData(new Counted(amount))]).ConfigureAwait(false);
        }

        return result;
    }

    /// <summary>Every event in the store, in global order.</summary>
    protected static async Task<List<RecordedEvent>> ReadEverythingAsync(IEventStoreReader store) => [.. await ReadAllAsync(store).ConfigureAwait(false)];
}

/// <summary>A test event: something counted <see cref="Amount"/>.</summary>
public sealed record Counted(int Amount);

/// <summary>A test event: something got a new name.</summary>
public sealed record Renamed(string Name);
