using Switchboard.EventSourcing;
using Xunit;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// Reading all events: global order with strictly increasing positions, from the start and from a position, pages
/// and <see cref="EventPage.IsEnd"/>, category and type filters, <see cref="EventPage.NextPosition"/> past the events
/// a filter leaves out (and never past one it lets through), and counting the events after a position.
/// </summary>
public abstract class ReadAllSuite<TFactory> : EventStoreSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    /// <summary>Read all from 0 returns every event of every stream in append order, positions strictly increasing.</summary>
    [Fact]
    public async Task Reading_all_from_0_returns_every_event_in_append_order()
    {
        var store = await OpenStoreAsync();
        var a = NewStreamId("a");
        var b = NewStreamId("b");
        var appended = new List<EventData>();
        for (var i = 0; i < 4; i++)
        {
            var batch = NewEvents(i + 1, firstNumber: i * 10);
            await store.AppendAsync(i % 2 == 0 ? a : b, ExpectedVersion.Any, batch);
            appended.AddRange(batch);
        }

        var events = await ReadAllAsync(store);

        AssertIds(appended.Select(e => e.EventId), events);
        AssertStrictlyIncreasingPositions(events);
        Assert.Equal([1L, 1, 2, 2, 3, 4, 3, 4, 5, 6], events.Select(e => e.StreamVersion));
        Assert.Equal([a, b, b, a, a, a, b, b, b, b], events.Select(e => e.StreamId));
    }

    /// <summary>Read all after an event's position returns exactly the events after it; after the last, nothing.</summary>
    [Fact]
    public async Task Reading_all_after_a_position_returns_the_events_after_it()
    {
        var store = await OpenStoreAsync();
        var events = NewEvents(6);
        foreach (var e in events)
        {
            await store.AppendAsync(NewStreamId(), ExpectedVersion.NoStream, [e]);
        }

        var all = await ReadAllAsync(store);

        AssertIds(events.Skip(3).Select(e => e.EventId), await ReadAllAsync(store, all[2].Position));
        AssertIds(events.Skip(1).Select(e => e.EventId), await ReadAllAsync(store, all[0].Position));
        Assert.Empty(await ReadAllAsync(store, all[^1].Position));
        var page = await store.ReadAllAsync(all[^1].Position, 10);
        Assert.Empty(page.Events);
        Assert.True(page.IsEnd);
        Assert.True(page.NextPosition >= all[^1].Position);
    }

    /// <summary>
    /// Ten events in pages of three: three full pages that are not the end, then one event and the end; each page
    /// continues where the previous one stopped, and a read at the end is empty and the end.
    /// </summary>
    [Fact]
    public async Task Pages_hold_at_most_maxCount_events_and_only_the_last_is_the_end()
    {
        var store = await OpenStoreAsync();
        var events = NewEvents(10);
        await store.AppendAsync(NewStreamId(), ExpectedVersion.NoStream, events);

        var pages = new List<EventPage>();
        var position = 0L;
        for (var i = 0; i < 4; i++)
        {
            var page = await store.ReadAllAsync(position, 3);
            pages.Add(page);
            if (page.Events.Count > 0)
            {
                Assert.True(page.NextPosition >= page.Events[^1].Position, $"The page continues at {page.NextPosition}, before its last event at {page.Events[^1].Position}.");
            }

            position = page.NextPosition;
        }

        Assert.Equal([3, 3, 3, 1], pages.Select(p => p.Events.Count));
        Assert.Equal([false, false, false, true], pages.Select(p => p.IsEnd));
        AssertIds(events.Select(e => e.EventId), pages.SelectMany(p => p.Events));
        var end = await store.ReadAllAsync(position, 3);
        Assert.Empty(end.Events);
        Assert.True(end.IsEnd);
        Assert.True(end.NextPosition >= position);
    }

    /// <summary>An empty store reads as an empty end page.</summary>
    [Fact]
    public async Task An_empty_store_reads_as_an_empty_end()
    {
        var store = await OpenStoreAsync();

        var page = await store.ReadAllAsync(0, 10);

        Assert.Empty(page.Events);
        Assert.True(page.IsEnd);
        Assert.True(page.NextPosition >= 0);
        Assert.Equal(0, await store.CountEventsAfterAsync(0, 100));
    }

    /// <summary>
    /// Category filters match the part of the stream id before the first <c>-</c> exactly (not <c>alphabet-1</c>
    /// for <c>alpha</c>; <c>alpha-1-2</c> is <c>alpha</c>; <c>alpha</c> alone is <c>alpha</c>), several categories
    /// are any of them; type filters match stored type names; both together must both match; an empty filter is all.
    /// </summary>
    [Fact]
    public async Task Category_and_type_filters_select_the_events_they_name()
    {
        var store = await OpenStoreAsync();
        var appended = new List<(string Stream, EventData Event)>();
        async Task AppendAsync(string stream, string type)
        {
            var e = NewEvent(appended.Count, type);
            await store.AppendAsync(stream, ExpectedVersion.Any, [e]);
            appended.Add((stream, e));
        }

        await AppendAsync("alpha-1", "x");
        await AppendAsync("beta-1", "x");
        await AppendAsync("alphabet-1", "y");
        await AppendAsync("alpha-1-2", "y");
        await AppendAsync("alpha", "x");
        await AppendAsync("gamma-1", "z");
        await AppendAsync("beta-1", "y");
        await AppendAsync("alpha-1", "z");

        async Task AssertFilterAsync(EventFilter filter, Func<string, string, bool> expected)
        {
            var ids = appended.Where(a => expected(a.Stream, a.Event.Type)).Select(a => a.Event.EventId).ToList();
            Assert.NotEmpty(ids);
            AssertIds(ids, await ReadAllAsync(store, 0, filter));
            AssertIds(ids, await ReadAllAsync(store, 0, filter, pageSize: 1));
        }

        await AssertFilterAsync(EventFilter.ForCategories("alpha"), (s, _) => s is "alpha-1" or "alpha-1-2" or "alpha");
        await AssertFilterAsync(EventFilter.ForCategories("beta", "gamma"), (s, _) => s is "beta-1" or "gamma-1");
        await AssertFilterAsync(EventFilter.ForEventTypes("y"), (_, t) => t == "y");
        await AssertFilterAsync(EventFilter.ForEventTypes("x", "z"), (_, t) => t is "x" or "z");
        await AssertFilterAsync(new EventFilter { Categories = ["alpha", "beta"], EventTypes = ["x"] }, (s, t) => s is "alpha-1" or "alpha-1-2" or "alpha" or "beta-1" && t == "x");
        await AssertFilterAsync(new EventFilter { Categories = [], EventTypes = [] }, (_, _) => true);
        await AssertFilterAsync(EventFilter.All, (_, _) => true);
        Assert.Empty(await ReadAllAsync(store, 0, EventFilter.ForCategories("delta")));
        Assert.Empty(await ReadAllAsync(store, 0, new EventFilter { Categories = ["gamma"], EventTypes = ["x"] }));
    }

    /// <summary>
    /// A filtered read that reaches the end continues past the events the filter left out, so the next read does
    /// not scan them again and returns only what came later; a full filtered page continues after its last event
    /// and never past a matching event it did not return.
    /// </summary>
    [Fact]
    public async Task NextPosition_passes_the_events_a_filter_leaves_out_but_never_a_matching_one()
    {
        var store = await OpenStoreAsync();
        var kinds = new[] { "keep", "skip", "skip", "keep", "keep", "skip", "skip", "skip" };
        var appended = new List<EventData>();
        foreach (var kind in kinds)
        {
            var e = NewEvent(appended.Count, kind);
            await store.AppendAsync(NewStreamId(), ExpectedVersion.NoStream, [e]);
            appended.Add(e);
        }

        var all = await ReadAllAsync(store);
        var filter = EventFilter.ForEventTypes("keep");

        var first = await store.ReadAllAsync(0, 2, filter);
        AssertIds([appended[0].EventId, appended[3].EventId], first.Events);
        Assert.False(first.IsEnd);
        Assert.InRange(first.NextPosition, all[3].Position, all[4].Position - 1);

        var second = await store.ReadAllAsync(first.NextPosition, 2, filter);
        AssertIds([appended[4].EventId], second.Events);
        Assert.True(second.IsEnd);
        Assert.True(second.NextPosition >= all[^1].Position, $"A filtered read that reached the end continues at {second.NextPosition}, before the last event it passed at {all[^1].Position}.");

        var nothing = await store.ReadAllAsync(second.NextPosition, 2, filter);
        Assert.Empty(nothing.Events);
        Assert.True(nothing.IsEnd);

        var later = new[] { NewEvent(8, "skip"), NewEvent(9, "keep"), NewEvent(10, "skip") };
        foreach (var e in later)
        {
            await store.AppendAsync(NewStreamId(), ExpectedVersion.NoStream, [e]);
        }

        var next = await store.ReadAllAsync(nothing.NextPosition, 10, filter);
        AssertIds([later[1].EventId], next.Events);
        Assert.True(next.IsEnd);
        Assert.Equal(later.Select(e => e.EventId), (await store.ReadAllAsync(nothing.NextPosition, 10)).Events.Select(e => e.EventId));
    }

    /// <summary>A page of a filter that matches nothing, at the end, continues past all the events it looked at.</summary>
    [Fact]
    public async Task A_filter_that_matches_nothing_moves_past_everything_it_looked_at()
    {
        var store = await OpenStoreAsync();
        await store.AppendAsync(NewStreamId("order"), ExpectedVersion.NoStream, NewEvents(5));
        var last = (await ReadAllAsync(store))[^1].Position;

        var position = 0L;
        for (var reads = 0; ; reads++)
        {
            Assert.True(reads < 100, "A filtered reader did not reach the end.");
            var page = await store.ReadAllAsync(position, 2, EventFilter.ForCategories("invoice"));
            Assert.Empty(page.Events);
            Assert.True(page.NextPosition >= position);
            position = page.NextPosition;
            if (page.IsEnd)
            {
                break;
            }
        }

        Assert.True(position >= last, $"The filtered reader stopped at {position}, before the last event it passed at {last}.");
    }

    /// <summary>
    /// Waiting for events returns: at once or early when events after the position are there, and by the end of
    /// <c>maxWait</c> when none come (bounded by <see cref="EventStoreSuite{TFactory}.Patience"/>, never timed);
    /// a waiter on another instance returns after an append (woken or at its <c>maxWait</c>).
    /// </summary>
    [Fact]
    public async Task Waiting_for_events_returns_when_events_are_there_or_maxWait_passed()
    {
        var store = await OpenStoreAsync();
        var other = await OpenStoreAsync();

        await store.WaitForEventsAsync(0, TimeSpan.FromMilliseconds(100)).AsTask().WaitAsync(Patience);

        await store.AppendAsync(NewStreamId(), ExpectedVersion.NoStream, NewEvents(2));
        var last = (await ReadAllAsync(store))[^1].Position;
        await other.WaitForEventsAsync(0, Patience).AsTask().WaitAsync(Patience);
        await other.WaitForEventsAsync(last, TimeSpan.FromMilliseconds(100)).AsTask().WaitAsync(Patience);

        var waiting = other.WaitForEventsAsync(last, TimeSpan.FromSeconds(5)).AsTask();
        await store.AppendAsync(NewStreamId(), ExpectedVersion.NoStream, NewEvents(1));
        await waiting.WaitAsync(Patience);
        Assert.Single(await ReadAllAsync(other, last));
    }

    /// <summary>Counting events after a position counts every stream's events after it, and stops at the limit.</summary>
    [Fact]
    public async Task Counting_events_after_a_position_stops_at_the_limit()
    {
        var store = await OpenStoreAsync();
        await store.AppendAsync(NewStreamId("a"), ExpectedVersion.NoStream, NewEvents(6));
        await store.AppendAsync(NewStreamId("b"), ExpectedVersion.NoStream, NewEvents(4));
        var all = await ReadAllAsync(store);

        Assert.Equal(10, await store.CountEventsAfterAsync(0, 100));
        Assert.Equal(10, await store.CountEventsAfterAsync(0, 10));
        Assert.Equal(4, await store.CountEventsAfterAsync(0, 4));
        Assert.Equal(3, await store.CountEventsAfterAsync(all[6].Position, 100));
        Assert.Equal(2, await store.CountEventsAfterAsync(all[6].Position, 2));
        Assert.Equal(0, await store.CountEventsAfterAsync(all[^1].Position, 100));
    }

    /// <summary>
    /// The end position is where a read that reaches the end continues: at or after the last event, and nothing
    /// appended later is at or before it.
    /// </summary>
    [Fact]
    public async Task The_end_position_is_where_a_read_at_the_end_continues()
    {
        var store = await OpenStoreAsync();
        Assert.True(await store.GetEndPositionAsync() >= 0);

        var appended = await store.AppendAsync(NewStreamId(), ExpectedVersion.NoStream, NewEvents(5));
        var end = await store.GetEndPositionAsync();
        Assert.True(end >= appended.Position, $"the end {end} is before the last event {appended.Position}");
        Assert.Empty((await store.ReadAllAsync(end, 10)).Events);

        var later = await store.AppendAsync(NewStreamId(), ExpectedVersion.NoStream, NewEvents(2));
        Assert.True(later.Position > end);
        Assert.Equal(2, (await store.ReadAllAsync(end, 10)).Events.Count);
    }
}
