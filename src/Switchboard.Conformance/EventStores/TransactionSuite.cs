using Switchboard.EventSourcing;
using Xunit;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// Transactions: appends invisible until the commit, nothing left by a rollback (and its hole never stalls a
/// subscriber), a transaction held open while other writers append (no event out of position order, every event
/// exactly once), checkpoints committing and rolling back with it. Every store passes it; a read model's rows in the
/// transaction are <see cref="TransactionSqlSuite{TFactory}"/>'s, for stores with a database.
/// </summary>
public abstract class TransactionSuite<TFactory> : EventStoreSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    /// <summary>
    /// Events appended in a transaction are not read (stream, version, all events, count) by another instance until
    /// the commit; then they are, with the versions and position the transaction's append reported.
    /// </summary>
    [Fact]
    public async Task Appends_in_a_transaction_are_invisible_until_the_commit()
    {
        var store = await OpenStoreAsync();
        var reader = await OpenStoreAsync();
        var stream = NewStreamId();
        var first = NewEvent(1);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [first]);
        var batch = NewEvents(2, firstNumber: 2);
        var fresh = NewEvent(4);
        var freshStream = NewStreamId();

        AppendResult result;
        await using (var transaction = await store.BeginTransactionAsync())
        {
            result = await transaction.AppendAsync(stream, ExpectedVersion.Exact(1), batch);
            await transaction.AppendAsync(freshStream, ExpectedVersion.NoStream, [fresh]);
            Assert.Equal(3, result.StreamVersion);
            Assert.False(result.AlreadyAppended);

            AssertIds([first.EventId], await ReadStreamAsync(reader, stream));
            Assert.Equal(1, await reader.GetStreamVersionAsync(stream));
            Assert.Equal(0, await reader.GetStreamVersionAsync(freshStream));
            Assert.Empty(await ReadStreamAsync(reader, freshStream));
            AssertIds([first.EventId], await ReadAllAsync(reader));
            Assert.Equal(1, await reader.CountEventsAfterAsync(0, 100));

            await transaction.CommitAsync();
        }

        await AssertStreamAsync(reader, stream, [first.EventId, .. batch.Select(e => e.EventId)]);
        await AssertStreamAsync(reader, freshStream, [fresh.EventId]);
        var all = await ReadAllAsync(reader);
        AssertIds([first.EventId, .. batch.Select(e => e.EventId), fresh.EventId], all);
        AssertStrictlyIncreasingPositions(all);
        Assert.Equal(result.Position, all[2].Position);
    }

    /// <summary>
    /// A transaction disposed without commit leaves no events, no stream versions and no used ids; a subscriber
    /// started before it keeps receiving the events appended after it (the hole does not stall it).
    /// </summary>
    [Fact]
    public async Task A_transaction_disposed_without_commit_leaves_nothing_and_its_hole_does_not_stall_a_subscriber()
    {
        var store = await OpenStoreAsync();
        var subscriber = StartSubscriber(await OpenStoreAsync());
        var stream = NewStreamId();
        var other = NewStreamId();
        var before = NewEvent(1);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [before]);
        await subscriber.WaitForCountAsync(1, Patience);
        var rolledBack = NewEvents(3, firstNumber: 2);

        await using (var transaction = await store.BeginTransactionAsync())
        {
            await transaction.AppendAsync(stream, ExpectedVersion.Exact(1), [rolledBack[0]]);
            await transaction.AppendAsync(other, ExpectedVersion.NoStream, [rolledBack[1], rolledBack[2]]);
        }

        var after = NewEvent(5);
        Assert.Equal(2, (await store.AppendAsync(stream, ExpectedVersion.Exact(1), [after])).StreamVersion);
        await subscriber.WaitForCountAsync(2, Patience);
        await Task.Delay(Settle);
        AssertIds([before.EventId, after.EventId], subscriber.Events);
        Assert.Empty(subscriber.OutOfOrder);
        await AssertStreamAsync(store, stream, [before.EventId, after.EventId]);
        Assert.Equal(0, await store.GetStreamVersionAsync(other));
        AssertIds([before.EventId, after.EventId], await ReadAllAsync(store));

        // The rolled-back ids were never recorded: appending them now is a first append, not a repeat.
        var again = await store.AppendAsync(other, ExpectedVersion.NoStream, [rolledBack[1], rolledBack[2]]);
        Assert.False(again.AlreadyAppended);
        Assert.Equal(2, again.StreamVersion);
        await subscriber.WaitForCountAsync(4, Patience);
        AssertIds([before.EventId, after.EventId, rolledBack[1].EventId, rolledBack[2].EventId], subscriber.Events);
        Assert.Empty(subscriber.OutOfOrder);
    }

    /// <summary>A transaction's append with a wrong expected version is refused (at once or at the commit) and writes nothing.</summary>
    [Fact]
    public async Task A_transaction_append_with_a_wrong_expected_version_writes_nothing()
    {
        var store = await OpenStoreAsync();
        var stream = NewStreamId();
        var first = NewEvent(1);
        await store.AppendAsync(stream, ExpectedVersion.NoStream, [first]);

        var outcome = await OutcomeAsync(async () =>
        {
            await using var transaction = await store.BeginTransactionAsync();
            await transaction.AppendAsync(stream, ExpectedVersion.NoStream, [NewEvent(2)]);
            await transaction.CommitAsync();
        });

        var refused = Assert.IsType<WrongExpectedVersionException>(outcome);
        Assert.Equal(stream, refused.StreamId);
        await AssertStreamAsync(store, stream, [first.EventId]);
        AssertIds([first.EventId], await ReadAllAsync(store));
    }

    /// <summary>
    /// A transaction holds an append open while four writers (other instances) append: with several writers they
    /// commit meanwhile; with a single writer they wait until it ends. A live subscriber never receives an event
    /// out of position order, nor the held events before the commit; afterwards it has every event exactly once,
    /// the held ones included, in the order of a final read of all.
    /// </summary>
    [Fact]
    public async Task A_subscriber_gets_every_event_in_order_around_a_transaction_held_open_while_others_append()
    {
        var store = await OpenStoreAsync();
        var subscriber = StartSubscriber(await OpenStoreAsync(), pageSize: 5);
        var writers = new List<IEventStore>();
        for (var i = 0; i < 4; i++)
        {
            writers.Add(await OpenStoreAsync());
        }

        var early = NewEvents(3);
        await store.AppendAsync(NewStreamId("early"), ExpectedVersion.NoStream, early);
        await subscriber.WaitForCountAsync(3, Patience);
        var held = NewEvents(2, firstNumber: 100);
        var others = writers.Select((_, w) => NewEvents(5, firstNumber: 1000 * (w + 1))).ToList();

        Task[] appending;
        await using (var transaction = await store.BeginTransactionAsync())
        {
            await transaction.AppendAsync(NewStreamId("held"), ExpectedVersion.NoStream, held);
            appending = [.. writers.Select((writer, w) => Task.Run(async () =>
            {
                foreach (var e in others[w])
                {
                    await writer.AppendAsync(NewStreamId("other"), ExpectedVersion.NoStream, [e]);
                }
            }))];

            if (!Scope.SingleWriter)
            {
                await Task.WhenAll(appending);
            }

            await Task.Delay(Settle);
            await subscriber.WaitForPagesAsync(2, Patience);
            if (Scope.SingleWriter)
            {
                Assert.All(appending, t => Assert.False(t.IsCompleted, "A writer finished while a transaction of a single-writer store was open."));
                AssertIds(early.Select(e => e.EventId), subscriber.Events);
            }

            Assert.DoesNotContain(subscriber.Events, e => held.Any(h => h.EventId == e.EventId));
            Assert.Empty(subscriber.OutOfOrder);
            await transaction.CommitAsync();
        }

        await Task.WhenAll(appending);
        var total = early.Count + held.Count + others.Sum(o => o.Count);
        await subscriber.WaitForCountAsync(total, Patience);
        await Task.Delay(Settle);
        await subscriber.StopAsync();

        var seen = subscriber.Events;
        Assert.Empty(subscriber.OutOfOrder);
        AssertStrictlyIncreasingPositions(seen);
        Assert.Equal(early.Concat(held).Concat(others.SelectMany(o => o)).Select(e => e.EventId).Order(StringComparer.Ordinal), seen.Select(e => e.EventId).Order(StringComparer.Ordinal));
        var final = await ReadAllAsync(store);
        Assert.Equal(final.Select(e => (e.EventId, e.Position)), seen.Select(e => (e.EventId, e.Position)));
    }

    /// <summary>A checkpoint saved in a transaction is there (for another instance) after the commit, and unchanged or missing after a rollback.</summary>
    [Fact]
    public async Task A_checkpoint_saved_in_a_transaction_commits_and_rolls_back_with_it()
    {
        var store = await OpenStoreAsync();
        var other = await OpenStoreAsync();
        var checkpoints = Checkpoints(other);
        var stream = NewStreamId();

        await using (var transaction = await store.BeginTransactionAsync())
        {
            await transaction.AppendAsync(stream, ExpectedVersion.NoStream, [NewEvent(1)]);
            await transaction.SaveCheckpointAsync("projection", 5);
            await transaction.CommitAsync();
        }

        Assert.Equal(5, await checkpoints.LoadCheckpointAsync("projection"));

        await using (var transaction = await store.BeginTransactionAsync())
        {
            await transaction.AppendAsync(stream, ExpectedVersion.Exact(1), [NewEvent(2)]);
            await transaction.SaveCheckpointAsync("projection", 9);
            await transaction.SaveCheckpointAsync("another", 3);
        }

        Assert.Equal(5, await checkpoints.LoadCheckpointAsync("projection"));
        Assert.Null(await checkpoints.LoadCheckpointAsync("another"));
        Assert.Equal(1, await other.GetStreamVersionAsync(stream));

        await using (var transaction = await store.BeginTransactionAsync())
        {
            await transaction.SaveCheckpointAsync("projection", 12);
            await transaction.CommitAsync();
        }

        Assert.Equal(12, await checkpoints.LoadCheckpointAsync("projection"));
    }
}
