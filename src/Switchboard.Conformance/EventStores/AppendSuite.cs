using Switchboard.EventSourcing;
using Xunit;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// Appends: expected versions accepted and refused as documented (a refusal writes nothing), versions 1..N, the
/// <see cref="AppendResult"/>, idempotent repeats of an append, refused reuse of event ids (without partial batches)
/// and argument validation.
/// </summary>
public abstract class AppendSuite<TFactory> : EventStoreSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    /// <summary>
    /// Disposing an event store a second time is harmless: the container disposes it once per contract it was resolved
    /// as (the suite disposes it a third time at the end of the test).
    /// </summary>
    [Fact]
    public async Task Disposing_an_event_store_twice_is_harmless()
    {
        var store = await OpenStoreAsync();
        await store.AppendAsync(NewStreamId(), ExpectedVersion.NoStream, [NewEvent(1)]);

        await store.DisposeAsync();
        await store.DisposeAsync();
    }

    /// <summary>Appends to a new stream get versions 1..N across appends; each result names the last event's version and position.</summary>
    [Fact]
    public async Task Appends_number_a_streams_events_from_1_and_report_the_last_version_and_position()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var first = NewEvents(3);
        var second = NewEvents(2, firstNumber: 4);

        var r1 = await store.AppendAsync(stream, ExpectedVersion.NoStream, first);
        var r2 = await store.AppendAsync(stream, ExpectedVersion.Exact(3), second);

        Assert.Equal(3, r1.StreamVersion);
        Assert.Equal(5, r2.StreamVersion);
        Assert.False(r1.AlreadyAppended);
        Assert.False(r2.AlreadyAppended);
        await AssertStreamAsync(store, stream, [.. first.Concat(second).Select(e => e.EventId)]);
        var events = await ReadStreamAsync(store, stream);
        Assert.Equal(r1.Position, events[2].Position);
        Assert.Equal(r2.Position, events[4].Position);
        Assert.True(r2.Position > r1.Position);
    }

    /// <summary><see cref="ExpectedVersion.Any"/> appends to a missing stream and to an existing one.</summary>
    [Fact]
    public async Task Any_appends_to_a_missing_and_to_an_existing_stream()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var first = NewEvent(1);
        var second = NewEvent(2);

        Assert.Equal(1, (await store.AppendAsync(stream, ExpectedVersion.Any, [first])).StreamVersion);
        Assert.Equal(2, (await store.AppendAsync(stream, ExpectedVersion.Any, [second])).StreamVersion);

        await AssertStreamAsync(store, stream, [first.EventId, second.EventId]);
    }

    /// <summary><see cref="ExpectedVersion.NoStream"/> and <c>Exact(0)</c> create a stream, and are refused on an existing one (actual version N), writing nothing.</summary>
    [Fact]
    public async Task NoStream_creates_a_stream_and_is_refused_once_it_exists()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var other = NewStreamId();
        var events = NewEvents(2);

        await store.AppendAsync(stream, ExpectedVersion.NoStream, events);
        Assert.Equal(1, (await store.AppendAsync(other, ExpectedVersion.Exact(0), [NewEvent()])).StreamVersion);

        await AssertWrongExpectedVersionAsync(() => store.AppendAsync(stream, ExpectedVersion.NoStream, [NewEvent()]).AsTask(), stream, ExpectedVersion.NoStream, 2);
        await AssertWrongExpectedVersionAsync(() => store.AppendAsync(stream, ExpectedVersion.Exact(0), [NewEvent()]).AsTask(), stream, ExpectedVersion.NoStream, 2);
        await AssertStreamAsync(store, stream, [.. events.Select(e => e.EventId)]);
        Assert.Equal(3, (await ReadAllAsync(store)).Count);
    }

    /// <summary><see cref="ExpectedVersion.StreamExists"/> is refused on a missing stream (actual version 0, nothing written) and appends to an existing one.</summary>
    [Fact]
    public async Task StreamExists_is_refused_on_a_missing_stream_and_appends_to_an_existing_one()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();

        await AssertWrongExpectedVersionAsync(() => store.AppendAsync(stream, ExpectedVersion.StreamExists, [NewEvent()]).AsTask(), stream, ExpectedVersion.StreamExists, 0);
        Assert.Equal(0, await store.GetStreamVersionAsync(stream));
        Assert.Empty(await ReadAllAsync(store));

        var first = NewEvent(1);
        var second = NewEvent(2);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [first]);
        Assert.Equal(2, (await store.AppendAsync(stream, ExpectedVersion.StreamExists, [second])).StreamVersion);
        await AssertStreamAsync(store, stream, [first.EventId, second.EventId]);
    }

    /// <summary><c>Exact(N)</c> appends to a stream at version N; N-1, N+1 and a version of a missing stream are refused with the actual version, writing nothing.</summary>
    [Fact]
    public async Task Exact_appends_at_the_current_version_and_is_refused_at_any_other()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var missing = NewStreamId();
        var events = NewEvents(3);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, events);

        await AssertWrongExpectedVersionAsync(() => store.AppendAsync(stream, ExpectedVersion.Exact(2), [NewEvent()]).AsTask(), stream, ExpectedVersion.Exact(2), 3);
        await AssertWrongExpectedVersionAsync(() => store.AppendAsync(stream, ExpectedVersion.Exact(4), [NewEvent()]).AsTask(), stream, ExpectedVersion.Exact(4), 3);
        await AssertWrongExpectedVersionAsync(() => store.AppendAsync(missing, ExpectedVersion.Exact(1), [NewEvent()]).AsTask(), missing, ExpectedVersion.Exact(1), 0);
        await AssertStreamAsync(store, stream, [.. events.Select(e => e.EventId)]);
        Assert.Equal(0, await store.GetStreamVersionAsync(missing));
        Assert.Equal(3, (await ReadAllAsync(store)).Count);

        var next = NewEvent(4);
        Assert.Equal(4, (await store.AppendAsync(stream, ExpectedVersion.Exact(3), [next])).StreamVersion);
        await AssertStreamAsync(store, stream, [.. events.Select(e => e.EventId), next.EventId]);
    }

    /// <summary>
    /// Appending the same ids again (with <see cref="ExpectedVersion.Any"/>, with the original expectation, even after
    /// the stream moved on) returns the original result with <see cref="AppendResult.AlreadyAppended"/> and writes nothing.
    /// </summary>
    [Fact]
    public async Task Repeating_an_append_returns_the_original_result_and_writes_nothing()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var events = NewEvents(2);
        var original = await store.AppendAsync(stream, ExpectedVersion.NoStream, events);

        var withAny = await store.AppendAsync(stream, ExpectedVersion.Any, events);
        var withOriginal = await store.AppendAsync(stream, ExpectedVersion.NoStream, events);

        Assert.Equal(original with { AlreadyAppended = true }, withAny);
        Assert.Equal(original with { AlreadyAppended = true }, withOriginal);
        await AssertStreamAsync(store, stream, [.. events.Select(e => e.EventId)]);

        var later = NewEvent(3);
        await store.AppendAsync(stream, ExpectedVersion.Exact(2), [later]);
        Assert.Equal(original with { AlreadyAppended = true }, await store.AppendAsync(stream, ExpectedVersion.NoStream, events));
        Assert.Equal(original with { AlreadyAppended = true }, await store.AppendAsync(stream, ExpectedVersion.Exact(2), events));
        await AssertStreamAsync(store, stream, [.. events.Select(e => e.EventId), later.EventId]);
        Assert.Equal(3, (await ReadAllAsync(store)).Count);
    }

    /// <summary>A repeated single-event append in the middle of a stream returns that event's version and position.</summary>
    [Fact]
    public async Task Repeating_an_earlier_single_event_append_returns_its_version_and_position()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var results = new List<AppendResult>();
        var events = NewEvents(3);
        foreach (var e in events)
        {
            results.Add(await store.AppendAsync(stream, ExpectedVersion.Any, [e]));
        }

        var repeated = await store.AppendAsync(stream, ExpectedVersion.Exact(1), [events[1]]);

        Assert.Equal(results[1] with { AlreadyAppended = true }, repeated);
        Assert.Equal(2, repeated.StreamVersion);
        await AssertStreamAsync(store, stream, [.. events.Select(e => e.EventId)]);
    }

    /// <summary>
    /// Reusing ids that are not a repeat is refused with <see cref="DuplicateEventIdException"/> and writes nothing:
    /// the ids with a new one added, the ids in another order, the ids in another stream.
    /// </summary>
    [Fact]
    public async Task Reusing_event_ids_with_new_ones_in_another_order_or_in_another_stream_is_refused_and_writes_nothing()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var other = NewStreamId();
        var events = NewEvents(2);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, events);
        var fresh = NewEvent(9);

        var added = await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(stream, ExpectedVersion.Any, [events[0], events[1], fresh]).AsTask());
        Assert.Equal(stream, added.StreamId);
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(stream, ExpectedVersion.Any, [fresh, events[0], events[1]]).AsTask());
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(stream, ExpectedVersion.Any, [events[1], events[0]]).AsTask());
        var elsewhere = await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(other, ExpectedVersion.Any, events).AsTask());
        Assert.Equal(other, elsewhere.StreamId);
        Assert.Contains(elsewhere.EventId, events.Select(e => e.EventId));
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(other, ExpectedVersion.Any, [events[1]]).AsTask());

        await AssertStreamAsync(store, stream, [.. events.Select(e => e.EventId)]);
        Assert.Equal(0, await store.GetStreamVersionAsync(other));
        AssertIds(events.Select(e => e.EventId), await ReadAllAsync(store));

        Assert.Equal(3, (await store.AppendAsync(stream, ExpectedVersion.Exact(2), [fresh])).StreamVersion);
    }

    /// <summary>
    /// A consecutive part of an earlier batch, in order, is a repeat too (stores do not keep batch boundaries), and so
    /// are consecutive events of two earlier appends: the version and position of its last event come back and
    /// nothing is written. Stored ids out of order, with a gap, or mixed with new ids are refused with
    /// <see cref="DuplicateEventIdException"/>.
    /// </summary>
    [Fact]
    public async Task Part_of_an_earlier_batch_in_order_is_a_repeat_and_anything_else_is_refused()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var events = NewEvents(3);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, events);

        var later = NewEvent(4);
        await store.AppendAsync(stream, ExpectedVersion.Exact(3), [later]);
        var recorded = await ReadStreamAsync(store, stream);

        var part = await store.AppendAsync(stream, ExpectedVersion.Any, [events[1], events[2]]);
        Assert.Equal(new AppendResult(3, recorded[2].Position, AlreadyAppended: true), part);
        var first = await store.AppendAsync(stream, ExpectedVersion.NoStream, [events[0]]);
        Assert.Equal(new AppendResult(1, recorded[0].Position, AlreadyAppended: true), first);
        var acrossAppends = await store.AppendAsync(stream, ExpectedVersion.Exact(1), [events[2], later]);
        Assert.Equal(new AppendResult(4, recorded[3].Position, AlreadyAppended: true), acrossAppends);

        var reversed = await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(stream, ExpectedVersion.Any, [events[2], events[1]]).AsTask());
        Assert.Equal(stream, reversed.StreamId);
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(stream, ExpectedVersion.Any, [events[0], events[2]]).AsTask());
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(stream, ExpectedVersion.Any, [events[2], NewEvents(1)[0]]).AsTask());

        await AssertStreamAsync(store, stream, [.. events.Select(e => e.EventId), later.EventId]);
        AssertIds([.. events.Select(e => e.EventId), later.EventId], await ReadAllAsync(store));
    }

    /// <summary>A batch whose third event reuses an id of another stream is refused as a whole: its first two events are not written.</summary>
    [Fact]
    public async Task A_batch_whose_third_event_reuses_an_id_leaves_no_partial_batch()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var other = NewStreamId();
        var existing = NewEvent(1);
        await store.AppendAsync(other, ExpectedVersion.NoStream, [existing]);
        var batch = new[] { NewEvent(2), NewEvent(3), existing with { Data = Json("""{"number":4}""") }, NewEvent(5) };

        var refused = await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(stream, ExpectedVersion.Any, batch).AsTask());
        Assert.Equal(existing.EventId, refused.EventId);
        var sameStream = await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync(other, ExpectedVersion.Any, batch).AsTask());
        Assert.Equal(existing.EventId, sameStream.EventId);

        Assert.Equal(0, await store.GetStreamVersionAsync(stream));
        Assert.Empty(await ReadStreamAsync(store, stream));
        await AssertStreamAsync(store, other, [existing.EventId]);
        AssertIds([existing.EventId], await ReadAllAsync(store));

        // The refused batch's new ids were not recorded either: they can be appended now.
        Assert.Equal(2, (await store.AppendAsync(stream, ExpectedVersion.NoStream, [batch[0], batch[1]])).StreamVersion);
    }

    /// <summary>A refused expected version leaves the batch's ids unused: the same batch appends with the right expectation.</summary>
    [Fact]
    public async Task A_refused_append_leaves_its_event_ids_unused()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var first = NewEvent(1);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [first]);
        var batch = NewEvents(2, firstNumber: 2);

        await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.AppendAsync(stream, ExpectedVersion.NoStream, batch).AsTask());
        var result = await store.AppendAsync(stream, ExpectedVersion.Exact(1), batch);

        Assert.Equal(3, result.StreamVersion);
        Assert.False(result.AlreadyAppended);
        await AssertStreamAsync(store, stream, [first.EventId, .. batch.Select(e => e.EventId)]);
    }

    /// <summary>Names of the longest allowed length (200 characters) are accepted: stream id, event id and type name.</summary>
    [Fact]
    public async Task Names_of_200_characters_are_accepted()
    {
        var store = await OpenStoreAsync();
        var stream = "long-" + new string('s', StreamNames.MaxLength - 5);
        var data = new EventData(new string('i', EventData.MaxNameLength), new string('t', EventData.MaxNameLength), Json("{}"), EventMetadata.Empty);

        await store.AppendAsync(stream, ExpectedVersion.NoStream, [data]);

        var recorded = Assert.Single(await ReadStreamAsync(store, stream));
        Assert.Equal(stream, recorded.StreamId);
        Assert.Equal(data.EventId, recorded.EventId);
        Assert.Equal(data.Type, recorded.Type);
    }

    /// <summary>
    /// Invalid appends throw <see cref="ArgumentException"/> and write nothing: no events, an empty or too long
    /// stream id, a too long type name or event id.
    /// </summary>
    [Fact]
    public async Task Invalid_appends_throw_ArgumentException_and_write_nothing()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var tooLong = new string('x', StreamNames.MaxLength + 1);

        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(stream, ExpectedVersion.Any, []).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync("", ExpectedVersion.Any, [NewEvent()]).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync("test-" + tooLong, ExpectedVersion.Any, [NewEvent()]).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(stream, ExpectedVersion.Any, [NewEvent(), NewEvent(type: tooLong)]).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(stream, ExpectedVersion.Any, [NewEvent(eventId: tooLong)]).AsTask());

        Assert.Equal(0, await store.GetStreamVersionAsync(stream));
        Assert.Empty(await ReadAllAsync(store));
    }
}
