using Switchboard.EventSourcing;
using Xunit;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// Reading one stream: forwards from a version, backwards from the end and from a version, at most a number of
/// events, a missing stream, the stream's version, and every recorded field round-tripping.
/// </summary>
public abstract class ReadStreamSuite<TFactory> : EventStoreSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    /// <summary>Forwards from a version returns that version and the ones after it, oldest first, at most <c>maxCount</c>.</summary>
    [Fact]
    public async Task Reading_forwards_starts_at_the_version_and_stops_at_maxCount()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var events = NewEvents(5);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, events);
        await store.AppendAsync(NewStreamId(), ExpectedVersion.NoStream, NewEvents(2));

        var all = await store.ReadStreamAsync(stream, 1, ReadDirection.Forwards, 100);
        var fromThree = await store.ReadStreamAsync(stream, 3, ReadDirection.Forwards, 100);
        var twoFromTwo = await store.ReadStreamAsync(stream, 2, ReadDirection.Forwards, 2);
        var pastTheEnd = await store.ReadStreamAsync(stream, 6, ReadDirection.Forwards, 100);

        AssertIds(events.Select(e => e.EventId), all);
        Assert.Equal([1L, 2, 3, 4, 5], all.Select(e => e.StreamVersion));
        Assert.Equal([3L, 4, 5], fromThree.Select(e => e.StreamVersion));
        AssertIds(events.Skip(2).Select(e => e.EventId), fromThree);
        Assert.Equal([2L, 3], twoFromTwo.Select(e => e.StreamVersion));
        Assert.Empty(pastTheEnd);
        Assert.All(all, e => Assert.Equal(stream, e.StreamId));
        AssertStrictlyIncreasingPositions(all);
    }

    /// <summary>Backwards from <see cref="long.MaxValue"/> (or any version past the end) starts at the last event; from a version, at that version; newest first, at most <c>maxCount</c>.</summary>
    [Fact]
    public async Task Reading_backwards_starts_at_the_end_or_at_the_version()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var events = NewEvents(5);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, events);

        var fromEnd = await store.ReadStreamAsync(stream, long.MaxValue, ReadDirection.Backwards, 100);
        var lastTwo = await store.ReadStreamAsync(stream, long.MaxValue, ReadDirection.Backwards, 2);
        var fromThree = await store.ReadStreamAsync(stream, 3, ReadDirection.Backwards, 100);
        var twoFromFour = await store.ReadStreamAsync(stream, 4, ReadDirection.Backwards, 2);
        var first = await store.ReadStreamAsync(stream, 1, ReadDirection.Backwards, 100);
        var pastTheEnd = await store.ReadStreamAsync(stream, 9, ReadDirection.Backwards, 2);

        Assert.Equal([5L, 4, 3, 2, 1], fromEnd.Select(e => e.StreamVersion));
        AssertIds(events.Reverse().Select(e => e.EventId), fromEnd);
        Assert.Equal([5L, 4], lastTwo.Select(e => e.StreamVersion));
        Assert.Equal([3L, 2, 1], fromThree.Select(e => e.StreamVersion));
        Assert.Equal([4L, 3], twoFromFour.Select(e => e.StreamVersion));
        Assert.Equal(events[0].EventId, Assert.Single(first).EventId);
        Assert.Equal([5L, 4], pastTheEnd.Select(e => e.StreamVersion));
    }

    /// <summary>A missing stream reads as empty both ways and has version 0.</summary>
    [Fact]
    public async Task A_missing_stream_reads_as_empty_at_version_0()
    {
        var store = await OpenStoreAsync();
        await store.AppendAsync(NewStreamId(), ExpectedVersion.NoStream, NewEvents(2));
        var missing = NewStreamId();

        Assert.Empty(await store.ReadStreamAsync(missing, 1, ReadDirection.Forwards, 100));
        Assert.Empty(await store.ReadStreamAsync(missing, long.MaxValue, ReadDirection.Backwards, 100));
        Assert.Equal(0, await store.GetStreamVersionAsync(missing));
    }

    /// <summary>The stream's version is its number of events, after each append.</summary>
    [Fact]
    public async Task The_stream_version_counts_its_events()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();

        await store.AppendAsync(stream, ExpectedVersion.Any, NewEvents(1));
        Assert.Equal(1, await store.GetStreamVersionAsync(stream));
        await store.AppendAsync(stream, ExpectedVersion.Any, NewEvents(3));
        Assert.Equal(4, await store.GetStreamVersionAsync(stream));
        await store.AppendAsync(NewStreamId(), ExpectedVersion.Any, NewEvents(3));
        Assert.Equal(4, await store.GetStreamVersionAsync(stream));
    }

    /// <summary>
    /// Everything recorded comes back, from the stream and from all events, also through another store instance:
    /// id, type, JSON data (non-ASCII included), correlation, causation, traceparent, headers and a creation time around the
    /// append; events without metadata come back without it.
    /// </summary>
    [Fact]
    public async Task Data_type_id_metadata_and_creation_time_round_trip()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId("order");
        var metadata = new EventMetadata
        {
            CorrelationId = "correlation-é-1",
            CausationId = "command-42",
            TraceParent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
            Headers = new Dictionary<string, string> { ["tenant"] = "acme", ["note"] = "Zoë \"quoted\" ✓", ["empty"] = "" },
        };
        var rich = new EventData(NewEventId(), "order-placed", Json("""{"orderId":"o-1","lines":[{"sku":"a-1","quantity":2,"price":12.5}],"note":"Zoë ✓","paid":false,"coupon":null}"""), metadata);
        var plain = new EventData(NewEventId(), "order-noted", Json("{}"), EventMetadata.Empty);
        var before = DateTimeOffset.UtcNow;

        await store.AppendAsync(stream, ExpectedVersion.NoStream, [rich, plain]);

        var after = DateTimeOffset.UtcNow;
        var other = await OpenStoreAsync();
        foreach (var events in new[] { await ReadStreamAsync(store, stream), await ReadStreamAsync(other, stream), await ReadAllAsync(store), await ReadAllAsync(other) })
        {
            Assert.Equal(2, events.Count);
            var (r, p) = (events[0], events[1]);
            Assert.Equal(rich.EventId, r.EventId);
            Assert.Equal("order-placed", r.Type);
            Assert.Equal(stream, r.StreamId);
            Assert.Equal("order", r.Category);
            Assert.Equal(1, r.StreamVersion);
            AssertSameJson(rich.Data, r.Data);
            Assert.Equal("correlation-é-1", r.Metadata.CorrelationId);
            Assert.Equal("command-42", r.Metadata.CausationId);
            Assert.Equal(metadata.TraceParent, r.Metadata.TraceParent);
            Assert.NotNull(r.Metadata.Headers);
            Assert.Equal(metadata.Headers.OrderBy(h => h.Key, StringComparer.Ordinal), r.Metadata.Headers.OrderBy(h => h.Key, StringComparer.Ordinal));
            AssertCreatedAround(r.Created, before, after);

            Assert.Equal(plain.EventId, p.EventId);
            Assert.Equal("order-noted", p.Type);
            Assert.Equal(2, p.StreamVersion);
            AssertSameJson(plain.Data, p.Data);
            Assert.Null(p.Metadata.CorrelationId);
            Assert.Null(p.Metadata.CausationId);
            Assert.True(p.Metadata.Headers is null || p.Metadata.Headers.Count == 0, "An event appended without headers has headers.");
            AssertCreatedAround(p.Created, before, after);
        }

        var fromStream = await ReadStreamAsync(store, stream);
        var fromAll = await ReadAllAsync(store);
        Assert.Equal(fromStream.Select(e => (e.Position, e.Created)), fromAll.Select(e => (e.Position, e.Created)));
    }

    // Creation times come from the store (maybe a database server's clock): around the append, not to the millisecond.
    private static void AssertCreatedAround(DateTimeOffset created, DateTimeOffset before, DateTimeOffset after)
    {
        var tolerance = TimeSpan.FromMinutes(1);
        Assert.InRange(created.UtcDateTime, before.UtcDateTime - tolerance, after.UtcDateTime + tolerance);
    }
}
