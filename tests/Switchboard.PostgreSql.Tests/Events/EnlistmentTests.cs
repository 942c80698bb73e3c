using System.Diagnostics;
using Npgsql;
using Switchboard.EventSourcing;
using Switchboard.InMemory;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Conformance.EventStores;
using static Switchboard.Conformance.EventStores.UnitOfWorkModes;

namespace Switchboard.PostgreSql.Tests.Events;

/// <summary>
/// What the enlistment suite does not see of PostgreSQL's appends in units of work: which message stores they can
/// join, the round trips, the positions they take, repeats and reused ids, and the races the database settles.
/// </summary>
[Collection(EventStoreCollection.Name)]
public sealed class EnlistmentTests : EventStoreTest
{
    private const string Endpoint = "e";

    [Fact]
    public async Task Appends_can_join_units_of_work_of_a_message_store_on_the_same_database_whatever_its_schema()
    {
        var events = NewStore();
        var connection = new NpgsqlConnectionStringBuilder(TestServer.ConnectionString);
        await using var dataSource = NpgsqlDataSource.Create(TestServer.ConnectionString);

        Assert.True(events.CanEnlistIn(MessageStore()));
        Assert.True(events.CanEnlistIn(MessageStore(o => o with { Schema = Schema + "_other" })));
        Assert.True(events.CanEnlistIn(MessageStore(o => o with { ConnectionString = null, DataSource = dataSource })));
        Assert.True(events.CanEnlistIn(MessageStore(o => o with { ConnectionString = With(c => c.Host = c.Host!.ToUpperInvariant()) })));

        Assert.False(events.CanEnlistIn(MessageStore(o => o with { ConnectionString = With(c => c.Database = c.Database + "_other") })));
        Assert.False(events.CanEnlistIn(MessageStore(o => o with { ConnectionString = With(c => c.Port += 1) })));
        Assert.False(events.CanEnlistIn(MessageStore(o => o with { ConnectionString = With(c => c.Host = connection.Host == "localhost" ? "127.0.0.1" : "localhost") })));
        await using var memory = new InMemoryMessageStore();
        Assert.False(events.CanEnlistIn(memory));

        // A unit of work it cannot join is refused before anything runs.
        await using var memoryUnit = await memory.BeginAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => events.EnlistAppendAsync(memoryUnit, "s-1", ExpectedVersion.Any, [Event("x")]).AsTask());
        await using var otherDatabaseUnit = await MessageStore(o => o with { ConnectionString = With(c => c.Database = c.Database + "_other") }).BeginAsync();
        await Assert.ThrowsAsync<ArgumentException>(() => events.EnlistAppendAsync(otherDatabaseUnit, "s-1", ExpectedVersion.Any, [Event("x")]).AsTask());

        static string With(Action<NpgsqlConnectionStringBuilder> change)
        {
            var builder = new NpgsqlConnectionStringBuilder(TestServer.ConnectionString);
            change(builder);
            return builder.ConnectionString;
        }
    }

    [Fact]
    public async Task A_saga_message_with_an_enlisted_append_and_outgoing_messages_takes_three_round_trips()
    {
        var events = await InitializedStoreAsync();
        await using var recorder = new RoundTripRecorder();
        var messages = MessageStore(o => o with { ConnectionString = null, DataSource = recorder.DataSource });
        await messages.InitializeAsync();
        await using (var unit = await messages.BeginAsync())
        {
            await unit.SaveSagaAsync(new SagaRecord("s", "k", 0, "0", false), 0);
            await unit.CommitAsync();
        }

        recorder.Clear();

        // As the transaction step calls it: check, begin, load, (handler: append), save, record, enlist, commit.
        Assert.False(await messages.WasHandledAsync(Endpoint, "m"));
        await using (var unit = await messages.BeginAsync())
        {
            var saga = await unit.LoadSagaAsync("s", "k");
            await events.EnlistAppendAsync(unit, "order-1", ExpectedVersion.NoStream, [Event("a")]);
            await unit.SaveSagaAsync(saga! with { State = "1" }, saga.Version);
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, "m"));
            Assert.True(await unit.EnlistAsync([Outgoing("x"), Outgoing("y")]));
            await unit.CommitAsync();
        }

        // The check, the load, and the commit: inbox, saga, the append and both messages in one batch.
        Assert.Equal(["command", "command", "batch of 5"], recorder.Sent);
        Assert.Equal(1, await events.GetStreamVersionAsync("order-1"));
        Assert.True(await messages.WasHandledAsync(Endpoint, "m"));
        Assert.Equal(2, (await messages.Outbox.GetStatisticsAsync()).Pending);
    }

    [Theory]
    [InlineData(UnitOfWorkMode.Deferred)]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public async Task The_events_of_one_unit_take_its_transactions_positions_in_the_order_of_the_appends(UnitOfWorkMode mode)
    {
        var events = await InitializedStoreAsync();
        var messages = await InitializedMessageStoreAsync();
        await using (var unit = await BeginAsync(messages, mode))
        {
            await events.EnlistAppendAsync(unit, "z-1", ExpectedVersion.NoStream, Events("z", 2));
            await events.EnlistAppendAsync(unit, "a-1", ExpectedVersion.NoStream, [Event("a")]);
            await events.EnlistAppendAsync(unit, "z-1", ExpectedVersion.Exact(2), Events("z-more", 3));
            await CommitAsync(unit, mode);
        }

        var (all, _) = await ReadUntilAsync(events, 0, 6);
        Assert.Equal(["z-0", "z-1", "a", "z-more-0", "z-more-1", "z-more-2"], all.Select(e => e.EventId));
        Assert.Single(all.Select(e => e.Position >> 20).Distinct());
        Assert.Equal([0L, 1, 2, 3, 4, 5], all.Select(e => e.Position & ((1 << 20) - 1)));
    }

    [Theory]
    [InlineData(UnitOfWorkMode.Deferred)]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public async Task An_exact_repeat_of_an_earlier_append_writes_nothing_and_lets_the_unit_commit(UnitOfWorkMode mode)
    {
        var events = await InitializedStoreAsync();
        var messages = await InitializedMessageStoreAsync();
        var batch = Events("b", 2);
        var single = Event("s");
        await events.AppendAsync("batch-1", ExpectedVersion.NoStream, batch);
        await events.AppendAsync("single-1", ExpectedVersion.NoStream, [single]);

        // Expecting no stream: a repeat answers before the expectation is looked at, as AppendAsync does.
        await using (var unit = await BeginAsync(messages, mode))
        {
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, "m"));
            await events.EnlistAppendAsync(unit, "batch-1", ExpectedVersion.NoStream, batch);
            await events.EnlistAppendAsync(unit, "single-1", ExpectedVersion.NoStream, [single]);
            await CommitAsync(unit, mode);
        }

        Assert.True(await messages.WasHandledAsync(Endpoint, "m"));
        Assert.Equal(2, await events.GetStreamVersionAsync("batch-1"));
        Assert.Equal(1, await events.GetStreamVersionAsync("single-1"));
    }

    [Theory]
    [InlineData(UnitOfWorkMode.Deferred, 1)]
    [InlineData(UnitOfWorkMode.Deferred, 2)]
    [InlineData(UnitOfWorkMode.Live, 1)]
    [InlineData(UnitOfWorkMode.Live, 2)]
    [InlineData(UnitOfWorkMode.LiveAtCommit, 2)]
    public async Task Reusing_a_committed_event_id_fails_the_unit_with_a_duplicate_event_id_not_a_conflict(UnitOfWorkMode mode, int count)
    {
        var events = await InitializedStoreAsync();
        var messages = await InitializedMessageStoreAsync();
        await events.AppendAsync("taken-1", ExpectedVersion.NoStream, [Event("used")]);
        var batch = count == 1 ? [Event("used")] : new[] { Event("fresh"), Event("used") };

        var failures = new List<Exception>();
        await using (var unit = await BeginAsync(messages, mode))
        {
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, "m"));
            await Record(failures, () => events.EnlistAppendAsync(unit, "other-1", ExpectedVersion.NoStream, batch).AsTask());
            await Record(failures, () => CommitAsync(unit, mode));
        }

        var duplicate = Assert.IsType<DuplicateEventIdException>(failures[0]);
        Assert.Contains("used", duplicate.Message, StringComparison.Ordinal);
        Assert.False(messages.IsConcurrencyConflict(duplicate));
        Assert.Equal(mode == UnitOfWorkMode.Live ? 2 : 1, failures.Count);
        Assert.False(await messages.WasHandledAsync(Endpoint, "m"));
        Assert.Equal(0, await events.GetStreamVersionAsync("other-1"));
    }

    [Theory]
    [InlineData(UnitOfWorkMode.Deferred)]
    [InlineData(UnitOfWorkMode.Live)]
    [InlineData(UnitOfWorkMode.LiveAtCommit)]
    public async Task An_event_id_committed_first_by_a_concurrent_unit_is_a_concurrency_conflict_and_then_a_duplicate(UnitOfWorkMode mode)
    {
        var events = await InitializedStoreAsync();
        var messages = await InitializedMessageStoreAsync();
        await using var first = await BeginAsync(messages, UnitOfWorkMode.Live);
        await events.EnlistAppendAsync(first, "first-1", ExpectedVersion.NoStream, [Event("shared")]);

        var second = Task.Run(() => UnitAsync(events, messages, mode, "m", "second-1", [Event("shared")]));
        await WaitForLockWaitAsync();
        await first.CommitAsync();

        var conflict = Assert.IsType<ConcurrencyConflictException>(await second.WaitAsync(TimeSpan.FromSeconds(30)));
        var unique = Assert.IsType<PostgresException>(conflict.InnerException);
        Assert.Equal(PostgresErrorCodes.UniqueViolation, unique.SqlState);
        Assert.True(messages.IsConcurrencyConflict(unique));
        Assert.False(await messages.WasHandledAsync(Endpoint, "m"));
        Assert.Equal(0, await events.GetStreamVersionAsync("second-1"));

        // Run again, the unit of work finds the id taken by another stream.
        Assert.IsType<DuplicateEventIdException>(await UnitAsync(events, messages, mode, "m", "second-1", [Event("shared")]));
    }

    [Fact]
    public async Task Live_units_appending_to_two_streams_in_opposite_orders_deadlock_and_the_loser_gets_a_concurrency_conflict()
    {
        var events = await InitializedStoreAsync();
        var messages = await InitializedMessageStoreAsync();
        await events.AppendAsync("a-1", ExpectedVersion.NoStream, [Event("a0")]);
        await events.AppendAsync("b-1", ExpectedVersion.NoStream, [Event("b0")]);
        await using var one = await BeginAsync(messages, UnitOfWorkMode.Live);
        await using var two = await BeginAsync(messages, UnitOfWorkMode.Live);
        await events.EnlistAppendAsync(one, "a-1", ExpectedVersion.Any, [Event("a1")]);
        await events.EnlistAppendAsync(two, "b-1", ExpectedVersion.Any, [Event("b1")]);

        var first = AttemptAsync(one, "b-1", "b2");
        await WaitForLockWaitAsync();
        var second = AttemptAsync(two, "a-1", "a2");

        // PostgreSQL breaks the deadlock by failing one of them (after deadlock_timeout, 1 s by default); once the
        // loser rolls back, the other goes through.
        var outcomes = await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(outcomes, e => e is null);
        var lost = Assert.Single(outcomes, e => e is not null);
        var conflict = Assert.IsType<ConcurrencyConflictException>(lost);
        Assert.Equal(PostgresErrorCodes.DeadlockDetected, Assert.IsType<PostgresException>(conflict.InnerException).SqlState);

        async Task<Exception?> AttemptAsync(IStoreTransaction unit, string stream, string id)
        {
            try
            {
                await events.EnlistAppendAsync(unit, stream, ExpectedVersion.Any, [Event(id)]);
                await unit.CommitAsync();
                return null;
            }
            catch (Exception e)
            {
                await Assert.ThrowsAsync<ConcurrencyConflictException>(() => unit.CommitAsync().AsTask());
                await unit.DisposeAsync();
                return e;
            }
        }
    }

    private PostgreSqlMessageStore MessageStore(Func<PostgreSqlStoreOptions, PostgreSqlStoreOptions>? configure = null)
    {
        var options = new PostgreSqlStoreOptions { ConnectionString = TestServer.ConnectionString, Schema = Schema };
        options = configure is null ? options : configure(options);
        return Track(new PostgreSqlMessageStore(options));
    }

    private async Task<PostgreSqlMessageStore> InitializedMessageStoreAsync()
    {
        var store = MessageStore();
        await store.InitializeAsync();
        return store;
    }

    // One unit of work: inbox record, append, commit; what it threw, or null.
    private static async Task<Exception?> UnitAsync(PostgreSqlEventStore events, IMessageStore messages, UnitOfWorkMode mode, string messageId, string stream, EventData[] batch)
    {
        try
        {
            await using var unit = await BeginAsync(messages, mode);
            Assert.True(await unit.TryRecordHandledAsync(Endpoint, messageId));
            await events.EnlistAppendAsync(unit, stream, ExpectedVersion.NoStream, batch);
            await CommitAsync(unit, mode);
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }

    private static async Task Record(List<Exception> failures, Func<Task> step)
    {
        try
        {
            await step();
        }
        catch (Exception e)
        {
            failures.Add(e);
        }
    }

    // Until a session of the test's database waits for a lock (the tests of this collection run alone).
    private async Task WaitForLockWaitAsync()
    {
        var clock = Stopwatch.StartNew();
        while (await ScalarAsync<long>("SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()") == 0)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "No session came to wait for a lock.");
            await Task.Delay(10);
        }
    }

    private static OutgoingMessage Outgoing(string id) =>
        new(OutgoingKind.Send, "queue.a", new Envelope { MessageId = id, MessageType = "t", SentAt = DateTimeOffset.UtcNow }, null);
}
