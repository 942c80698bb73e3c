using Switchboard.EventSourcing;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Conformance.Stores;
using Xunit;
using static Switchboard.Conformance.EventStores.UnitOfWorkModes;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// Appends that join a unit of work of the message store (<see cref="IEventStoreEnlistment"/>): they commit with its
/// inbox record and outgoing messages or not at all, a stream at another version fails the whole unit with a
/// concurrency conflict, racing units settle on exactly one winner each time, readers wake after the commit, and the
/// global order stays whole when enlisted and plain appends interleave. Each test runs here in the deferred mode, which
/// every store has; <see cref="EnlistmentSqlSuite{TFactory}"/> runs them again where units of work have a database
/// transaction.
/// </summary>
public abstract class EnlistmentSuite<TFactory> : EventStoreSuite<TFactory>
    where TFactory : IEnlistmentFactory, new()
{
    private const string Endpoint = "enlistment-suite";

    // Longer than Patience: a wait that ends by timing out fails the test instead of passing it.
    private static readonly TimeSpan LongWait = Patience * 5;

    /// <summary>
    /// The appended events, the inbox record and the outgoing message of one unit of work are all invisible until the
    /// commit (the events to stream reads, versions and reads of all events of another instance); then all are there.
    /// </summary>
    [Fact]
    public Task An_enlisted_append_commits_with_the_inbox_record_and_outgoing_messages_and_not_before() => An_enlisted_append_commits_with_the_inbox_record_and_outgoing_messages_and_not_before_in(UnitOfWorkMode.Deferred);

    /// <summary>The body of <see cref="An_enlisted_append_commits_with_the_inbox_record_and_outgoing_messages_and_not_before"/>, in <paramref name="mode"/>.</summary>
    protected async Task An_enlisted_append_commits_with_the_inbox_record_and_outgoing_messages_and_not_before_in(UnitOfWorkMode mode)
    {
        var (_, enlistment) = await OpenEnlistingStoreAsync();
        var reader = await OpenStoreAsync();
        var messages = await OpenMessageStoreAsync();
        Assert.True(enlistment.CanEnlistIn(messages));
        var stream = NewStreamId();
        var appended = NewEvents(2);
        var messageId = NewId();
        var outgoing = Outgoing();

        bool outboxed;
        await using (var unit = await BeginAsync(messages, mode))
        {
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, messageId));
            await enlistment.EnlistAppendAsync(unit, stream, ExpectedVersion.NoStream, appended);
            outboxed = await unit.EnlistAsync([outgoing]);
            await BeforeCommitAsync(unit, mode);

            Assert.Empty(await ReadStreamAsync(reader, stream));
            Assert.Equal(0, await reader.GetStreamVersionAsync(stream));
            Assert.Empty(await ReadAllAsync(reader));
            Assert.False(await messages.WasHandledAsync(Endpoint, messageId));
            if (outboxed)
            {
                Assert.Equal(0, (await messages.Outbox.GetStatisticsAsync()).Pending);
            }

            await unit.CommitAsync();
        }

        await AssertStreamAsync(reader, stream, Ids(appended));
        await WaitForAsync(async () => (await ReadAllAsync(reader)).Count >= appended.Count, "the appended events in the global order");
        var all = await ReadAllAsync(reader);
        AssertIds(Ids(appended), all);
        AssertStrictlyIncreasingPositions(all);
        Assert.True(await messages.WasHandledAsync(Endpoint, messageId));
        if (outboxed)
        {
            var claimed = await messages.Outbox.ClaimDueAsync(10, TimeSpan.Zero, TimeSpan.FromMinutes(1));
            Assert.Equal([outgoing.Envelope.MessageId], claimed.Select(c => c.Message.Envelope.MessageId));
        }
    }

    /// <summary>
    /// A unit of work disposed without a commit leaves no events (in either of its streams, nor their ids: appending
    /// them again is a first append), no inbox record and no outgoing message.
    /// </summary>
    [Fact]
    public Task A_unit_disposed_without_commit_leaves_no_events_and_no_inbox_record() => A_unit_disposed_without_commit_leaves_no_events_and_no_inbox_record_in(UnitOfWorkMode.Deferred);

    /// <summary>The body of <see cref="A_unit_disposed_without_commit_leaves_no_events_and_no_inbox_record"/>, in <paramref name="mode"/>.</summary>
    protected async Task A_unit_disposed_without_commit_leaves_no_events_and_no_inbox_record_in(UnitOfWorkMode mode)
    {
        var (store, enlistment) = await OpenEnlistingStoreAsync();
        var messages = await OpenMessageStoreAsync();
        var stream = NewStreamId();
        var other = NewStreamId();
        var rolledBack = NewEvents(2);
        var messageId = NewId();

        await using (var unit = await BeginAsync(messages, mode))
        {
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, messageId));
            await enlistment.EnlistAppendAsync(unit, stream, ExpectedVersion.NoStream, rolledBack);
            await enlistment.EnlistAppendAsync(unit, other, ExpectedVersion.Any, [NewEvent(3)]);
            await unit.EnlistAsync([Outgoing()]);
            await BeforeCommitAsync(unit, mode);
        }

        var marker = NewEvent(4);
        await store.AppendAsync(NewStreamId("marker"), ExpectedVersion.NoStream, [marker]);
        await WaitForAsync(async () => (await ReadAllAsync(store)).Count > 0, "the marker event in the global order");
        AssertIds([marker.EventId], await ReadAllAsync(store));
        Assert.Equal(0, await store.GetStreamVersionAsync(stream));
        Assert.Equal(0, await store.GetStreamVersionAsync(other));
        Assert.Empty(await ReadStreamAsync(store, other));
        Assert.False((await store.AppendAsync(stream, ExpectedVersion.NoStream, rolledBack)).AlreadyAppended);
        await AssertStreamAsync(store, stream, Ids(rolledBack));
        Assert.False(await messages.WasHandledAsync(Endpoint, messageId));
        Assert.Equal(0, (await messages.Outbox.GetStatisticsAsync()).Pending);
    }

    /// <summary>
    /// An append expecting a version its stream is not at fails the unit of work with a concurrency conflict (at the
    /// append or at the commit), the unit of work never commits, even when the append's exception was caught, and
    /// nothing of it is left: not its other append, not its inbox record, not its outgoing message.
    /// </summary>
    [Fact]
    public Task A_wrong_expected_version_fails_the_unit_with_a_concurrency_conflict_and_leaves_nothing_of_it() => A_wrong_expected_version_fails_the_unit_with_a_concurrency_conflict_and_leaves_nothing_of_it_in(UnitOfWorkMode.Deferred);

    /// <summary>The body of <see cref="A_wrong_expected_version_fails_the_unit_with_a_concurrency_conflict_and_leaves_nothing_of_it"/>, in <paramref name="mode"/>.</summary>
    protected async Task A_wrong_expected_version_fails_the_unit_with_a_concurrency_conflict_and_leaves_nothing_of_it_in(UnitOfWorkMode mode)
    {
        var (store, enlistment) = await OpenEnlistingStoreAsync();
        var messages = await OpenMessageStoreAsync();
        var stream = NewStreamId();
        var other = NewStreamId();
        var first = NewEvent(1);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [first]);
        var messageId = NewId();

        Exception? refused;
        Exception? commit;
        await using (var unit = await BeginAsync(messages, mode))
        {
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, messageId));
            await unit.EnlistAsync([Outgoing()]);
            await enlistment.EnlistAppendAsync(unit, other, ExpectedVersion.NoStream, [NewEvent(2)]);

            // A handler that catches the refusal and carries on.
            refused = await OutcomeAsync(() => enlistment.EnlistAppendAsync(unit, stream, ExpectedVersion.NoStream, [NewEvent(3)]).AsTask());
            commit = await OutcomeAsync(() => CommitAsync(unit, mode));
        }

        Assert.True(commit is not null, "The unit of work committed although one of its appends expected a wrong version.");
        var conflict = Assert.IsAssignableFrom<ConcurrencyConflictException>(refused ?? commit);
        Assert.True(messages.IsConcurrencyConflict(conflict));
        await AssertStreamAsync(store, stream, [first.EventId]);
        Assert.Equal(0, await store.GetStreamVersionAsync(other));
        Assert.False(await messages.WasHandledAsync(Endpoint, messageId));
        Assert.Equal(0, (await messages.Outbox.GetStatisticsAsync()).Pending);
    }

    /// <summary>
    /// An enlisted append that repeats a committed one exactly (the same ids, in the same stream, in the same order) is a
    /// retry that already took effect, as for <see cref="IEventStoreWriter.AppendAsync"/>: it writes nothing, and the unit commits.
    /// </summary>
    [Fact]
    public Task An_enlisted_exact_repeat_of_a_committed_append_writes_nothing_and_the_unit_commits() => An_enlisted_exact_repeat_of_a_committed_append_writes_nothing_and_the_unit_commits_in(UnitOfWorkMode.Deferred);

    /// <summary>The body of <see cref="An_enlisted_exact_repeat_of_a_committed_append_writes_nothing_and_the_unit_commits"/>, in <paramref name="mode"/>.</summary>
    protected async Task An_enlisted_exact_repeat_of_a_committed_append_writes_nothing_and_the_unit_commits_in(UnitOfWorkMode mode)
    {
        var (store, enlistment) = await OpenEnlistingStoreAsync();
        var messages = await OpenMessageStoreAsync();
        var stream = NewStreamId();
        var appended = NewEvents(2);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, appended);
        var messageId = NewId();

        await using (var unit = await BeginAsync(messages, mode))
        {
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, messageId));
            await enlistment.EnlistAppendAsync(unit, stream, ExpectedVersion.NoStream, appended);
            await CommitAsync(unit, mode);
        }

        await AssertStreamAsync(store, stream, Ids(appended));
        Assert.True(await messages.WasHandledAsync(Endpoint, messageId));
    }

    /// <summary>
    /// Any other reuse of a committed event id fails the unit with <see cref="DuplicateEventIdException"/>, not a
    /// concurrency conflict (running the message again would not mend it), and leaves nothing of it.
    /// </summary>
    [Fact]
    public Task An_enlisted_append_that_reuses_a_committed_event_id_fails_the_unit_and_leaves_nothing_of_it() => An_enlisted_append_that_reuses_a_committed_event_id_fails_the_unit_and_leaves_nothing_of_it_in(UnitOfWorkMode.Deferred);

    /// <summary>The body of <see cref="An_enlisted_append_that_reuses_a_committed_event_id_fails_the_unit_and_leaves_nothing_of_it"/>, in <paramref name="mode"/>.</summary>
    protected async Task An_enlisted_append_that_reuses_a_committed_event_id_fails_the_unit_and_leaves_nothing_of_it_in(UnitOfWorkMode mode)
    {
        var (store, enlistment) = await OpenEnlistingStoreAsync();
        var messages = await OpenMessageStoreAsync();
        var stream = NewStreamId();
        var other = NewStreamId();
        var first = NewEvent(1);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [first]);
        var messageId = NewId();

        Exception? refused;
        Exception? commit;
        await using (var unit = await BeginAsync(messages, mode))
        {
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, messageId));
            refused = await OutcomeAsync(() => enlistment.EnlistAppendAsync(unit, other, ExpectedVersion.NoStream, [first]).AsTask());
            commit = await OutcomeAsync(() => CommitAsync(unit, mode));
        }

        Assert.True(commit is not null, "The unit of work committed although one of its appends reused a committed event id.");
        Assert.IsType<DuplicateEventIdException>(refused ?? commit);
        Assert.Equal(0, await store.GetStreamVersionAsync(other));
        await AssertStreamAsync(store, stream, [first.EventId]);
        Assert.False(await messages.WasHandledAsync(Endpoint, messageId));
    }

    /// <summary>
    /// Two units of work (of two "processes") append to one stream expecting the same version, and meet before they
    /// commit: exactly one commits, the other fails with a concurrency conflict; the stream holds the winner's event
    /// and the inbox the winner's message only.
    /// </summary>
    [Fact]
    public Task Of_two_units_expecting_the_same_version_exactly_one_commits() => Of_two_units_expecting_the_same_version_exactly_one_commits_in(UnitOfWorkMode.Deferred);

    /// <summary>The body of <see cref="Of_two_units_expecting_the_same_version_exactly_one_commits"/>, in <paramref name="mode"/>.</summary>
    protected async Task Of_two_units_expecting_the_same_version_exactly_one_commits_in(UnitOfWorkMode mode)
    {
        var stream = NewStreamId();
        var first = NewEvent(1);
        var racers = new List<(IMessageStore Messages, IEventStoreEnlistment Enlistment, string MessageId, EventData Event)>();
        for (var i = 0; i < 2; i++)
        {
            var (store, enlistment) = await OpenEnlistingStoreAsync();
            if (i == 0)
            {
                await store.AppendAsync(stream, ExpectedVersion.NoStream, [first]);
            }

            racers.Add((await OpenMessageStoreAsync(), enlistment, NewId(), NewEvent(10 + i)));
        }

        // Only makes the race likely: a store that makes the second append wait for the first unit's end still
        // lets exactly one through.
        var meet = new Rendezvous(2);
        var outcomes = await Task.WhenAll(racers.Select(r => Task.Run(() => OutcomeAsync(async () =>
        {
            await using var unit = await BeginAsync(r.Messages, mode);
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, r.MessageId));
            await r.Enlistment.EnlistAppendAsync(unit, stream, ExpectedVersion.Exact(1), [r.Event]);
            await meet.ArriveAsync(TimeSpan.FromSeconds(2));
            await CommitAsync(unit, mode);
        }))));

        var winner = Array.FindIndex(outcomes, o => o is null);
        Assert.True(winner >= 0, "Neither unit of work committed: " + string.Join(" | ", outcomes.Select(o => o?.Message)));
        var lost = outcomes[1 - winner];
        Assert.True(lost is not null, "Both units of work committed an append expecting version 1.");
        Assert.True(racers[1 - winner].Messages.IsConcurrencyConflict(lost), $"The loser failed with something else than a concurrency conflict: {lost}");
        var reader = await OpenStoreAsync();
        await AssertStreamAsync(reader, stream, [first.EventId, racers[winner].Event.EventId]);
        Assert.True(await racers[winner].Messages.WasHandledAsync(Endpoint, racers[winner].MessageId));
        Assert.False(await racers[winner].Messages.WasHandledAsync(Endpoint, racers[1 - winner].MessageId));
    }

    /// <summary>
    /// A hundred units of work append to one stream at once, each expecting the version it just read, and run again
    /// after a concurrency conflict (as the transaction step does): the stream ends at version 100 with each unit's
    /// event exactly once, and every unit's message is in the inbox.
    /// </summary>
    [Fact]
    public Task A_hundred_concurrent_units_retrying_on_conflicts_end_at_version_100_with_each_event_once() => A_hundred_concurrent_units_retrying_on_conflicts_end_at_version_100_with_each_event_once_in(UnitOfWorkMode.Deferred);

    /// <summary>The body of <see cref="A_hundred_concurrent_units_retrying_on_conflicts_end_at_version_100_with_each_event_once"/>, in <paramref name="mode"/>.</summary>
    protected async Task A_hundred_concurrent_units_retrying_on_conflicts_end_at_version_100_with_each_event_once_in(UnitOfWorkMode mode)
    {
        const int Units = 100;
        var stream = NewStreamId();
        var processes = new List<(IEventStore Store, IEventStoreEnlistment Enlistment, IMessageStore Messages)>();
        for (var i = 0; i < 2; i++)
        {
            var (store, enlistment) = await OpenEnlistingStoreAsync();
            processes.Add((store, enlistment, await OpenMessageStoreAsync()));
        }

        var units = Enumerable.Range(0, Units).Select(i => (MessageId: NewId(), Event: NewEvent(i))).ToList();
        await Task.WhenAll(units.Select((u, i) => Task.Run(async () =>
        {
            var (store, enlistment, messages) = processes[i % processes.Count];
            for (var attempt = 1; ; attempt++)
            {
                Assert.True(attempt <= 10 * Units, $"Unit {i} still lost after {attempt - 1} attempts.");
                var version = await store.GetStreamVersionAsync(stream);
                var outcome = await OutcomeAsync(async () =>
                {
                    await using var unit = await BeginAsync(messages, mode);
                    Assert.True(await unit.TryRecordHandledAsync(Endpoint, u.MessageId));
                    await enlistment.EnlistAppendAsync(unit, stream, ExpectedVersion.Exact(version), [u.Event]);
                    await CommitAsync(unit, mode);
                });
                if (outcome is null)
                {
                    return;
                }

                if (!messages.IsConcurrencyConflict(outcome))
                {
                    throw new InvalidOperationException($"Unit {i} failed with something else than a concurrency conflict.", outcome);
                }

                await Task.Delay(Random.Shared.Next(0, 5));
            }
        })));

        var events = await ReadStreamAsync(processes[0].Store, stream);
        Assert.Equal(Enumerable.Range(1, Units).Select(v => (long)v), events.Select(e => e.StreamVersion));
        Assert.Equal(units.Select(u => u.Event.EventId).Order(StringComparer.Ordinal), events.Select(e => e.EventId).Order(StringComparer.Ordinal));
        Assert.Equal(Units, await processes[0].Store.GetStreamVersionAsync(stream));
        foreach (var (messageId, _) in units)
        {
            Assert.True(await processes[0].Messages.WasHandledAsync(Endpoint, messageId));
        }
    }

    /// <summary>
    /// A reader of another instance, waiting for events after the end, wakes when a unit of work with an enlisted
    /// append commits, well before its long wait would have ended, and then reads the event.
    /// </summary>
    [Fact]
    public Task A_reader_waiting_for_events_wakes_after_an_enlisted_commit() => A_reader_waiting_for_events_wakes_after_an_enlisted_commit_in(UnitOfWorkMode.Deferred);

    /// <summary>The body of <see cref="A_reader_waiting_for_events_wakes_after_an_enlisted_commit"/>, in <paramref name="mode"/>.</summary>
    protected async Task A_reader_waiting_for_events_wakes_after_an_enlisted_commit_in(UnitOfWorkMode mode)
    {
        var (_, enlistment) = await OpenEnlistingStoreAsync();
        var reader = await OpenStoreAsync();
        var other = await OpenStoreAsync();
        var messages = await OpenMessageStoreAsync();

        // The reader listens already: twice, a wait begun before another instance's plain append ends after it (the
        // first may end when the reader starts listening).
        var position = 0L;
        for (var i = 0; i < 2; i++)
        {
            var warmUp = reader.WaitForEventsAsync(position, LongWait).AsTask();
            var warmUpEvent = NewEvent(i);
            await other.AppendAsync(NewStreamId("warm-up"), ExpectedVersion.NoStream, [warmUpEvent]);
            await WaitUntilDoneAsync(warmUp, "a wait to end after a plain append");
            position = await ReadUntilAsync(reader, position, warmUpEvent.EventId);
        }

        // A wait still looking when the unit commits would find the event without being woken: only a wait that is
        // still on after a while goes on (one that ended, on a late notification, is begun again).
        Task waiting;
        var begun = 0;
        do
        {
            Assert.True(++begun <= 10, "Waits for events keep ending when nothing was appended.");
            waiting = reader.WaitForEventsAsync(position, LongWait).AsTask();
        }
        while (await Task.WhenAny(waiting, Task.Delay(Settle)) == waiting);

        var enlisted = NewEvent(10);
        await using (var unit = await BeginAsync(messages, mode))
        {
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, NewId()));
            await enlistment.EnlistAppendAsync(unit, NewStreamId(), ExpectedVersion.NoStream, [enlisted]);
            await CommitAsync(unit, mode);
        }

        await WaitUntilDoneAsync(waiting, "the wait to end after the enlisted commit");
        await ReadUntilAsync(reader, position, enlisted.EventId);
    }

    /// <summary>
    /// Units of work with enlisted appends (some of them refused on purpose, so rolled back) and plain appends run at
    /// once: a live subscriber gets every committed event exactly once and in position order, nothing of the refused
    /// units, and exactly what a final read of all events returns.
    /// </summary>
    [Fact]
    public Task The_global_order_has_no_gaps_or_duplicates_when_enlisted_and_plain_appends_interleave() => The_global_order_has_no_gaps_or_duplicates_when_enlisted_and_plain_appends_interleave_in(UnitOfWorkMode.Deferred);

    /// <summary>The body of <see cref="The_global_order_has_no_gaps_or_duplicates_when_enlisted_and_plain_appends_interleave"/>, in <paramref name="mode"/>.</summary>
    protected async Task The_global_order_has_no_gaps_or_duplicates_when_enlisted_and_plain_appends_interleave_in(UnitOfWorkMode mode)
    {
        var subscriber = StartSubscriber(await OpenStoreAsync(), pageSize: 7);
        var enlisting = new List<(IEventStoreEnlistment Enlistment, IMessageStore Messages)>();
        var plain = new List<IEventStore>();
        for (var i = 0; i < 3; i++)
        {
            var (store, enlistment) = await OpenEnlistingStoreAsync();
            enlisting.Add((enlistment, await OpenMessageStoreAsync()));
            plain.Add(store);
        }

        var committed = new System.Collections.Concurrent.ConcurrentBag<string>();
        var refused = new System.Collections.Concurrent.ConcurrentBag<string>();
        var enlisted = enlisting.Select((p, w) => Task.Run(async () =>
        {
            for (var u = 0; u < 12; u++)
            {
                // Every fourth unit expects a version its new stream is not at: it must leave nothing.
                var wrong = u % 4 == 3;
                var batch = NewEvents(1 + (u % 3), firstNumber: (100 * w) + (10 * u));
                var outcome = await OutcomeAsync(async () =>
                {
                    await using var unit = await BeginAsync(p.Messages, mode);
                    Assert.True(await unit.TryRecordHandledAsync(Endpoint, NewId()));
                    await p.Enlistment.EnlistAppendAsync(unit, NewStreamId("enlisted"), wrong ? ExpectedVersion.Exact(5) : ExpectedVersion.NoStream, batch);
                    await CommitAsync(unit, mode);
                });
                if (wrong)
                {
                    Assert.NotNull(outcome);
                    Assert.True(p.Messages.IsConcurrencyConflict(outcome), $"A refused append failed with something else than a concurrency conflict: {outcome}");
                }
                else if (outcome is not null)
                {
                    throw new InvalidOperationException("An enlisted append failed.", outcome);
                }

                foreach (var e in batch)
                {
                    (wrong ? refused : committed).Add(e.EventId);
                }
            }
        }));
        var appended = plain.Select((store, w) => Task.Run(async () =>
        {
            for (var a = 0; a < 12; a++)
            {
                var batch = NewEvents(1 + (a % 2), firstNumber: 10_000 + (100 * w) + (10 * a));
                await store.AppendAsync(NewStreamId("plain"), ExpectedVersion.NoStream, batch);
                foreach (var e in batch)
                {
                    committed.Add(e.EventId);
                }
            }
        }));
        await Task.WhenAll(enlisted.Concat(appended));

        var reader = plain[0];
        await WaitForAsync(async () => (await ReadAllAsync(reader)).Count >= committed.Count, () => $"{committed.Count} events in the global order");
        var final = await ReadAllAsync(reader);
        await subscriber.WaitForCountAsync(final.Count, Patience);
        await subscriber.StopAsync();

        Assert.Empty(subscriber.OutOfOrder);
        AssertStrictlyIncreasingPositions(final);
        Assert.Equal(committed.Order(StringComparer.Ordinal), final.Select(e => e.EventId).Order(StringComparer.Ordinal));
        Assert.DoesNotContain(final, e => refused.Contains(e.EventId));
        Assert.Equal(final.Select(e => (e.EventId, e.Position)), subscriber.Events.Select(e => (e.EventId, e.Position)));
    }

    /// <summary>
    /// One unit of work appends to two streams (twice to one of them, the second append expecting what the first
    /// made): all of it commits, and its events follow in the global order in the order of its appends. Another appends
    /// to two streams, the second refused: neither stream gets anything.
    /// </summary>
    [Fact]
    public Task Appends_to_two_streams_in_one_unit_both_commit_or_neither() => Appends_to_two_streams_in_one_unit_both_commit_or_neither_in(UnitOfWorkMode.Deferred);

    /// <summary>The body of <see cref="Appends_to_two_streams_in_one_unit_both_commit_or_neither"/>, in <paramref name="mode"/>.</summary>
    protected async Task Appends_to_two_streams_in_one_unit_both_commit_or_neither_in(UnitOfWorkMode mode)
    {
        var (store, enlistment) = await OpenEnlistingStoreAsync();
        var messages = await OpenMessageStoreAsync();
        // Named so that sorting by stream id would put the second stream first: the order of the appends decides.
        var (a, b) = (NewStreamId("b"), NewStreamId("a"));
        var (first, second, third) = (NewEvents(2, firstNumber: 1), NewEvents(1, firstNumber: 3), NewEvents(1, firstNumber: 4));
        await using (var unit = await BeginAsync(messages, mode))
        {
            await enlistment.EnlistAppendAsync(unit, a, ExpectedVersion.NoStream, first);
            await enlistment.EnlistAppendAsync(unit, b, ExpectedVersion.NoStream, second);
            await enlistment.EnlistAppendAsync(unit, a, ExpectedVersion.Exact(2), third);
            await CommitAsync(unit, mode);
        }

        await AssertStreamAsync(store, a, [.. Ids(first), .. Ids(third)]);
        await AssertStreamAsync(store, b, Ids(second));
        await WaitForAsync(async () => (await ReadAllAsync(store)).Count >= 4, "the unit's events in the global order");
        AssertIds([.. Ids(first), .. Ids(second), .. Ids(third)], await ReadAllAsync(store));

        var (c, d) = (NewStreamId(), NewStreamId());
        Exception? outcome;
        await using (var unit = await BeginAsync(messages, mode))
        {
            outcome = await OutcomeAsync(async () =>
            {
                await enlistment.EnlistAppendAsync(unit, c, ExpectedVersion.NoStream, [NewEvent(5)]);
                await enlistment.EnlistAppendAsync(unit, d, ExpectedVersion.Exact(3), [NewEvent(6)]);
                await CommitAsync(unit, mode);
            });
        }

        Assert.IsAssignableFrom<ConcurrencyConflictException>(outcome);
        Assert.Equal(0, await store.GetStreamVersionAsync(c));
        Assert.Equal(0, await store.GetStreamVersionAsync(d));
        Assert.Empty(await ReadStreamAsync(store, c));
    }

    /// <summary>
    /// An append that no store accepts (an empty stream id, no events) is refused with <see cref="ArgumentException"/>
    /// before it joins: the unit of work goes on and commits the rest.
    /// </summary>
    [Fact]
    public Task An_invalid_append_is_refused_before_it_joins_and_the_unit_goes_on() => An_invalid_append_is_refused_before_it_joins_and_the_unit_goes_on_in(UnitOfWorkMode.Deferred);

    /// <summary>The body of <see cref="An_invalid_append_is_refused_before_it_joins_and_the_unit_goes_on"/>, in <paramref name="mode"/>.</summary>
    protected async Task An_invalid_append_is_refused_before_it_joins_and_the_unit_goes_on_in(UnitOfWorkMode mode)
    {
        var (store, enlistment) = await OpenEnlistingStoreAsync();
        var messages = await OpenMessageStoreAsync();
        var stream = NewStreamId();
        var messageId = NewId();
        await using (var unit = await BeginAsync(messages, mode))
        {
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, messageId));
            await Assert.ThrowsAnyAsync<ArgumentException>(() => enlistment.EnlistAppendAsync(unit, stream, ExpectedVersion.Any, []).AsTask());
            await Assert.ThrowsAnyAsync<ArgumentException>(() => enlistment.EnlistAppendAsync(unit, "", ExpectedVersion.Any, [NewEvent(1)]).AsTask());
            await CommitAsync(unit, mode);
        }

        Assert.True(await messages.WasHandledAsync(Endpoint, messageId));
        Assert.Equal(0, await store.GetStreamVersionAsync(stream));
    }

    /// <summary>A new, initialized message store on the test's data (another "process"), disposed with the test.</summary>
    protected async Task<IMessageStore> OpenMessageStoreAsync()
    {
        var store = Track(Factory.CreateMessageStore(Scope));
        await store.InitializeAsync().ConfigureAwait(false);
        return store;
    }

    /// <summary>A new, initialized event store (another "process") and its enlistment, disposed with the test.</summary>
    protected async Task<(IEventStore Store, IEventStoreEnlistment Enlistment)> OpenEnlistingStoreAsync()
    {
        var store = await OpenStoreAsync().ConfigureAwait(false);
        return (store, Assert.IsAssignableFrom<IEventStoreEnlistment>(store));
    }

    private static string NewId() => Guid.NewGuid().ToString("N");

    private static IReadOnlyList<string> Ids(IEnumerable<EventData> events) => [.. events.Select(e => e.EventId)];

    private static OutgoingMessage Outgoing() => new(
        OutgoingKind.Send,
        "enlistment-suite-out",
        new Envelope { MessageId = NewId(), MessageType = "test.enlistment.out.v1", SentAt = DateTimeOffset.UtcNow },
        null);

    private static async Task WaitUntilDoneAsync(Task wait, string what)
    {
        if (await Task.WhenAny(wait, Task.Delay(Patience)).ConfigureAwait(false) != wait)
        {
            throw new TimeoutException($"Timed out after {Patience} waiting for {what}.");
        }

        await wait.ConfigureAwait(false);
    }

    // Reads all events after position until eventId is among them; returns the position of the last one read.
    private static async Task<long> ReadUntilAsync(IEventStoreReader store, long position, string eventId)
    {
        IReadOnlyList<RecordedEvent> events = [];
        await WaitForAsync(async () => (events = await ReadAllAsync(store, position).ConfigureAwait(false)).Any(e => e.EventId == eventId), $"event {eventId} after position {position}").ConfigureAwait(false);
        return events[^1].Position;
    }
}
