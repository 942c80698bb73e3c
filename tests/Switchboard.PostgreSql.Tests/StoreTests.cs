using System.Data.Common;
using Npgsql;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql.Tests;

/// <summary>The store's basics, below the bus (the conformance suites test the contract through buses).</summary>
public sealed class StoreTests : SchemaTest
{
    private PostgreSqlMessageStore _store = null!;

    public override async Task InitializeAsync() => _store = await InitializedStoreAsync();

    [Fact]
    public async Task A_transaction_opens_no_connection_until_used_and_commits_nothing_as_a_no_op()
    {
        // Without pooling every open is a new backend, so the initializer sees every connection the store takes.
        var opened = 0;
        var builder = new NpgsqlDataSourceBuilder(TestServer.ConnectionString);
        builder.ConnectionStringBuilder.Pooling = false;
        builder.UsePhysicalConnectionInitializer(
            _ => Interlocked.Increment(ref opened),
            _ =>
            {
                Interlocked.Increment(ref opened);
                return Task.CompletedTask;
            });
        await using var dataSource = builder.Build();
        var store = NewStore(o => o with { DataSource = dataSource });

        await using (var transaction = await store.BeginAsync())
        {
            Assert.Equal(0, Volatile.Read(ref opened));
            await transaction.CommitAsync();
        }

        // No connection, so nothing was sent, let alone committed.
        Assert.Equal(0, Volatile.Read(ref opened));

        // The count is the store's: a unit of work with something to commit takes a connection for it.
        await using (var transaction = await store.BeginAsync())
        {
            await transaction.SaveSagaAsync(new SagaRecord("s", "k", 0, "{}", false), 0);
            await transaction.CommitAsync();
        }

        Assert.True(Volatile.Read(ref opened) > 0, "The commit of a saga took no connection the test could see.");
        Assert.NotNull(await LoadAsync("s", "k"));
    }

    [Fact]
    public async Task Disposing_without_commit_rolls_back()
    {
        await using (var transaction = await _store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("e", "m1"));
            await transaction.SaveSagaAsync(new SagaRecord("s", "k", 0, "{}", false), 0);
            await transaction.EnlistAsync([Message("x1")]);
        }

        Assert.False(await _store.WasHandledAsync("e", "m1"));
        Assert.Null(await LoadAsync("s", "k"));
        Assert.Equal(0, (await _store.GetStatisticsAsync()).Pending);
    }

    [Fact]
    public async Task The_inbox_records_once_per_endpoint()
    {
        Assert.True(await RecordAsync("e", "m"));
        Assert.False(await RecordAsync("e", "m"));
        Assert.True(await RecordAsync("other", "m"));
        Assert.True(await _store.WasHandledAsync("e", "m"));
        Assert.False(await _store.WasHandledAsync("e", "n"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task In_live_mode_an_inbox_insert_waits_for_a_concurrent_one(bool firstCommits)
    {
        await using var first = await LiveAsync();
        Assert.True(await first.TryRecordHandledAsync("e", "m"));

        await using var second = await LiveAsync();
        var waiting = second.TryRecordHandledAsync("e", "m").AsTask();
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);

        if (firstCommits)
        {
            await first.CommitAsync();
        }
        else
        {
            await first.DisposeAsync();
        }

        Assert.Equal(!firstCommits, await waiting.WaitAsync(TimeSpan.FromSeconds(30)));

        // The second transaction is still usable: no statement failed.
        await second.SaveSagaAsync(new SagaRecord("s", "k", 0, "{}", false), 0);
        await second.CommitAsync();
        Assert.NotNull(await LoadAsync("s", "k"));
    }

    [Fact]
    public async Task A_deferred_inbox_record_does_not_wait_and_loses_at_the_commit_leaving_nothing_behind()
    {
        await using var first = await _store.BeginAsync();
        Assert.True(await first.TryRecordHandledAsync("e", "m"));

        // Deferred: nothing is written yet, so nothing waits; the commit decides.
        await using var second = await _store.BeginAsync();
        Assert.True(await second.TryRecordHandledAsync("e", "m").AsTask().WaitAsync(TimeSpan.FromSeconds(5)));
        await second.SaveSagaAsync(new SagaRecord("s", "k", 0, "{}", false), 0);
        await second.EnlistAsync([Message("x")]);

        await first.CommitAsync();
        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => second.CommitAsync().AsTask());
        Assert.Contains("Message m was handled at e", conflict.Message, StringComparison.Ordinal);
        Assert.IsType<PostgresException>(conflict.InnerException);

        // The batch rolled back as a whole: neither the saga nor the outbox message of the loser.
        Assert.True(await _store.WasHandledAsync("e", "m"));
        Assert.Null(await LoadAsync("s", "k"));
        Assert.Equal(0, (await _store.GetStatisticsAsync()).Pending);
        await Assert.ThrowsAsync<InvalidOperationException>(() => second.CommitAsync().AsTask());
    }

    [Fact]
    public async Task A_deferred_saga_conflict_rolls_back_the_whole_commit()
    {
        await SaveAsync(new SagaRecord("s", "k", 0, "0", false), 0);
        await using var loser = await _store.BeginAsync();
        var loaded = await loser.LoadSagaAsync("s", "k");
        Assert.Equal(1, loaded!.Version);
        Assert.True(await loser.TryRecordHandledAsync("e", "m"));
        await loser.SaveSagaAsync(loaded with { State = "loser" }, 1);
        await loser.SaveSagaAsync(new SagaRecord("s", "new", 0, "loser", false), 0);
        await loser.EnlistAsync([Message("x"), Message("y")]);

        await SaveAsync(new SagaRecord("s", "k", 1, "winner", false), 1);

        var conflict = await Assert.ThrowsAsync<ConcurrencyConflictException>(() => loser.CommitAsync().AsTask());
        Assert.Contains("'s' k is no longer at version 1", conflict.Message, StringComparison.Ordinal);
        Assert.False(await _store.WasHandledAsync("e", "m"));
        Assert.Null(await LoadAsync("s", "new"));
        Assert.Equal("winner", (await LoadAsync("s", "k"))!.State);
        Assert.Equal(0, (await _store.GetStatisticsAsync()).Pending);
    }

    [Fact]
    public async Task After_a_check_a_record_needs_no_read_and_a_duplicate_committed_meanwhile_fails_the_commit()
    {
        // The transaction step's order: the check, then the unit of work, which records at the end.
        Assert.False(await _store.WasHandledAsync("e", "m"));

        // Another process handles the same message meanwhile.
        await using (var other = await NewStore().BeginAsync())
        {
            Assert.True(await other.TryRecordHandledAsync("e", "m"));
            await other.CommitAsync();
        }

        await using (var transaction = await _store.BeginAsync())
        {
            // The hint from the check saves the read: optimistic, as the contract allows, and the commit conflicts.
            Assert.True(await transaction.TryRecordHandledAsync("e", "m"));
            await Assert.ThrowsAsync<ConcurrencyConflictException>(() => transaction.CommitAsync().AsTask());
        }

        // The rerun has no hint left (each is used once): it reads, and sees the duplicate.
        await using (var transaction = await _store.BeginAsync())
        {
            Assert.False(await transaction.TryRecordHandledAsync("e", "m"));
        }
    }

    [Fact]
    public async Task A_deferred_unit_of_work_records_a_message_once()
    {
        await using var transaction = await _store.BeginAsync();
        Assert.True(await transaction.TryRecordHandledAsync("e", "m"));
        Assert.False(await transaction.TryRecordHandledAsync("e", "m"));
        Assert.True(await transaction.TryRecordHandledAsync("other", "m"));
        await transaction.CommitAsync();
        Assert.True(await _store.WasHandledAsync("e", "m"));
        Assert.True(await _store.WasHandledAsync("other", "m"));
    }

    [Fact]
    public async Task Opening_the_database_transaction_writes_what_was_deferred_and_then_runs_at_once()
    {
        await using (var transaction = await _store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("e", "m"));
            await transaction.SaveSagaAsync(new SagaRecord("s", "k", 0, "1", false), 0);
            await transaction.EnlistAsync([Message("x")]);

            var db = await transaction.GetDbTransactionAsync();
            Assert.Equal(1L, await ScalarOnAsync(db, $"SELECT count(*) FROM {Quoted}.inbox WHERE message_id = 'm'"));
            Assert.Equal(1L, await ScalarOnAsync(db, $"SELECT count(*) FROM {Quoted}.outbox WHERE message_id = 'x'"));
            Assert.Equal(1L, await ScalarOnAsync(db, $"SELECT version FROM {Quoted}.sagas WHERE key = 'k'"));

            // Live now: the save runs at once, on the same transaction.
            await transaction.SaveSagaAsync(new SagaRecord("s", "k", 1, "2", false), 1);
            Assert.Equal(2L, await ScalarOnAsync(db, $"SELECT version FROM {Quoted}.sagas WHERE key = 'k'"));
            Assert.False(await transaction.TryRecordHandledAsync("e", "m"));
            await transaction.CommitAsync();
        }

        Assert.True(await _store.WasHandledAsync("e", "m"));
        Assert.Equal("2", (await LoadAsync("s", "k"))!.State);
        Assert.Equal(1, (await _store.GetStatisticsAsync()).Pending);
    }

    [Fact]
    public async Task A_conflict_among_the_deferred_writes_surfaces_when_the_database_transaction_opens()
    {
        await using var transaction = await _store.BeginAsync();
        await transaction.SaveSagaAsync(new SagaRecord("s", "k", 0, "mine", false), 0);
        await SaveAsync(new SagaRecord("s", "k", 0, "theirs", false), 0);

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => transaction.GetDbTransactionAsync().AsTask());

        // The unit of work is over; disposing it rolls back.
        await Assert.ThrowsAsync<InvalidOperationException>(() => transaction.GetDbTransactionAsync().AsTask());
        await transaction.DisposeAsync();
        Assert.Equal("theirs", (await LoadAsync("s", "k"))!.State);
    }

    [Fact]
    public async Task A_saga_message_through_the_transaction_steps_calls_takes_three_round_trips()
    {
        await SaveAsync(new SagaRecord("s", "k", 0, "0", false), 0);
        await using var recorder = new RoundTripRecorder();
        var store = NewStore(o => o with { DataSource = recorder.DataSource });

        // As TransactionStep calls it: check, begin, load, (handler), save, record, enlist, commit.
        Assert.False(await store.WasHandledAsync("e", "m"));
        await using (var transaction = await store.BeginAsync())
        {
            var loaded = await transaction.LoadSagaAsync("s", "k");
            await transaction.SaveSagaAsync(loaded! with { State = "1" }, loaded.Version);
            Assert.True(await transaction.TryRecordHandledAsync("e", "m"));
            Assert.True(await transaction.EnlistAsync([Message("x"), Message("y")]));
            await transaction.CommitAsync();
        }

        // The check, the load, and the commit: inbox, saga and both messages in one batch, its own transaction.
        Assert.Equal(["command", "command", "batch of 4"], recorder.Sent);
        Assert.Equal("1", (await LoadAsync("s", "k"))!.State);
        Assert.True(await _store.WasHandledAsync("e", "m"));
        Assert.Equal(2, (await _store.GetStatisticsAsync()).Pending);
    }
    [Fact]
    public async Task Purging_forgets_old_inbox_records()
    {
        Assert.True(await RecordAsync("e", "m"));
        Assert.Equal(0, await _store.PurgeInboxAsync(DateTimeOffset.UtcNow.AddMinutes(-1)));
        Assert.Equal(1, await _store.PurgeInboxAsync(DateTimeOffset.UtcNow.AddSeconds(1)));
        Assert.False(await _store.WasHandledAsync("e", "m"));
    }

    [Fact]
    public async Task Sagas_save_with_optimistic_concurrency()
    {
        await SaveAsync(new SagaRecord("s", "k", 0, """{"n":1}""", false), 0);
        var loaded = await LoadAsync("s", "k");
        Assert.Equal(new SagaRecord("s", "k", 1, """{"n":1}""", false), loaded);

        await SaveAsync(new SagaRecord("s", "k", 1, """{"n":2}""", true), 1);
        Assert.Equal(new SagaRecord("s", "k", 2, """{"n":2}""", true), await LoadAsync("s", "k"));

        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => SaveAsync(new SagaRecord("s", "k", 1, "{}", false), 1));
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => SaveAsync(new SagaRecord("s", "k", 0, "{}", false), 0));
        Assert.Equal(2, (await LoadAsync("s", "k"))!.Version);
    }

    [Fact]
    public async Task Saves_in_one_transaction_chain_and_see_their_own_writes()
    {
        await using (var transaction = await _store.BeginAsync())
        {
            await transaction.SaveSagaAsync(new SagaRecord("s", "k", 0, "1", false), 0);
            Assert.Equal(1, (await transaction.LoadSagaAsync("s", "k"))!.Version);
            await transaction.SaveSagaAsync(new SagaRecord("s", "k", 1, "2", false), 1);
            Assert.Equal("2", (await transaction.LoadSagaAsync("s", "k"))!.State);
            await transaction.CommitAsync();
        }

        Assert.Equal(2, (await LoadAsync("s", "k"))!.Version);
    }

    [Fact]
    public async Task In_live_mode_a_concurrent_update_wins_and_the_loser_conflicts_without_poisoning_its_transaction()
    {
        await SaveAsync(new SagaRecord("s", "k", 0, "0", false), 0);
        await using var first = await LiveAsync();
        await first.SaveSagaAsync(new SagaRecord("s", "k", 1, "first", false), 1);

        await using var second = await LiveAsync();
        var waiting = second.SaveSagaAsync(new SagaRecord("s", "k", 1, "second", false), 1).AsTask();
        await Task.Delay(300);
        Assert.False(waiting.IsCompleted);
        await first.CommitAsync();
        await Assert.ThrowsAsync<ConcurrencyConflictException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(30)));

        Assert.Null(await second.LoadSagaAsync("nothing", "here"));
        Assert.Equal("first", (await LoadAsync("s", "k"))!.State);
    }

    [Fact]
    public async Task In_live_mode_a_deadlock_is_a_concurrency_conflict()
    {
        await SaveAsync(new SagaRecord("s", "a", 0, "0", false), 0);
        await SaveAsync(new SagaRecord("s", "b", 0, "0", false), 0);
        await using var first = await LiveAsync();
        await using var second = await LiveAsync();
        await first.SaveSagaAsync(new SagaRecord("s", "a", 1, "1", false), 1);
        await second.SaveSagaAsync(new SagaRecord("s", "b", 1, "2", false), 1);

        var one = AttemptAsync(first, new SagaRecord("s", "b", 1, "1", false));
        await Task.Delay(200);
        var two = AttemptAsync(second, new SagaRecord("s", "a", 1, "2", false));

        // PostgreSQL breaks the deadlock by failing one of them (after deadlock_timeout, 1 s by default); once the
        // loser rolls back, the other goes through.
        var outcomes = await Task.WhenAll(one, two).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Single(outcomes, e => e is null);
        Assert.Single(outcomes, e => e is ConcurrencyConflictException c && c.Message.Contains("40P01", StringComparison.Ordinal) && c.InnerException is PostgresException);

        static async Task<Exception?> AttemptAsync(IStoreTransaction transaction, SagaRecord record)
        {
            try
            {
                await transaction.SaveSagaAsync(record, 1);
                return null;
            }
            catch (Exception e)
            {
                await transaction.DisposeAsync();
                return e;
            }
        }
    }

    [Theory]
    [InlineData("serialization_failure", true)]
    [InlineData("deadlock_detected", true)]
    [InlineData("unique_violation", false)]
    [InlineData("lock_not_available", false)]
    public async Task Serialization_failures_and_deadlocks_in_handlers_own_sql_are_concurrency_conflicts(string condition, bool conflict)
    {
        await using var transaction = await _store.BeginAsync();
        var db = await transaction.GetDbTransactionAsync();
        var error = await Assert.ThrowsAsync<PostgresException>(() => RunAsync(db, $"DO $$ BEGIN RAISE EXCEPTION 'handler' USING ERRCODE = '{condition}'; END $$"));

        Assert.Equal(conflict, _store.IsConcurrencyConflict(error));
        Assert.Equal(conflict, _store.IsConcurrencyConflict(new InvalidOperationException("an ORM's wrapper", error)));
    }

    [Fact]
    public void Concurrency_conflict_exceptions_are_conflicts_and_others_are_not()
    {
        Assert.True(_store.IsConcurrencyConflict(new ConcurrencyConflictException("lost")));
        Assert.False(_store.IsConcurrencyConflict(new InvalidOperationException("no")));
        Assert.False(_store.IsConcurrencyConflict(new TimeoutException("no", new IOException("no"))));
    }

    [Fact]
    public async Task Outbox_messages_round_trip_every_envelope_field()
    {
        var sentAt = new DateTimeOffset(2026, 1, 2, 3, 4, 5, 678, TimeSpan.FromHours(2)).AddTicks(9010); // 901 µs: exact
        var deliverAt = new DateTimeOffset(2026, 3, 4, 5, 6, 7, TimeSpan.Zero).AddTicks(12_345); // 1234.5 µs
        var full = new OutgoingMessage(
            OutgoingKind.Publish,
            "topic.a",
            new Envelope
            {
                MessageId = "full",
                MessageType = "shop.thing.v1",
                CorrelationId = "corr",
                CausationId = "cause",
                TraceParent = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01",
                SentAt = sentAt,
                ContentType = "application/x-custom",
                Headers = new Dictionary<string, string> { ["a"] = "1", ["sb-x"] = "é \" \\ \u0000 ünï", ["empty"] = "" },
                Body = new byte[] { 0, 1, 2, 255 },
            },
            deliverAt);
        var bare = Message("bare");
        await EnlistAsync(full, bare);

        var claimed = await _store.ClaimDueAsync(10, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.Equal(["full", "bare"], claimed.Select(c => c.Message.Envelope.MessageId));
        var message = claimed[0].Message;
        Assert.Equal(OutgoingKind.Publish, message.Kind);
        Assert.Equal("topic.a", message.Destination);
        Assert.Equal(deliverAt.AddTicks(5), message.DeliverAt); // rounded up to the microsecond: never early
        var envelope = message.Envelope;
        Assert.Equal("shop.thing.v1", envelope.MessageType);
        Assert.Equal("corr", envelope.CorrelationId);
        Assert.Equal("cause", envelope.CausationId);
        Assert.Equal(full.Envelope.TraceParent, envelope.TraceParent);
        Assert.Equal(sentAt, envelope.SentAt);
        Assert.Equal("application/x-custom", envelope.ContentType);
        Assert.Equal(full.Envelope.Headers.OrderBy(h => h.Key), envelope.Headers.OrderBy(h => h.Key));
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, envelope.Body.ToArray());
        Assert.Equal(0, claimed[0].Attempts);
        Assert.Null(claimed[0].LastError);

        var plain = claimed[1].Message;
        Assert.Equal(OutgoingKind.Send, plain.Kind);
        Assert.Null(plain.DeliverAt);
        Assert.Null(plain.Envelope.CorrelationId);
        Assert.Same(Envelope.EmptyHeaders, plain.Envelope.Headers);
        Assert.True(plain.Envelope.Body.IsEmpty);
    }

    [Fact]
    public async Task The_relay_claims_due_messages_oldest_first_once_they_are_old_enough()
    {
        await EnlistAsync(Message("a"), Message("b"), Message("c"));
        Assert.Empty(await _store.ClaimDueAsync(10, TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(1)));

        var first = await _store.ClaimDueAsync(2, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.Equal(["a", "b"], first.Select(e => e.Message.Envelope.MessageId));
        var second = await _store.ClaimDueAsync(10, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        Assert.Equal(["c"], second.Select(e => e.Message.Envelope.MessageId));
        Assert.Empty(await _store.ClaimDueAsync(10, TimeSpan.Zero, TimeSpan.FromMinutes(1)));

        // A claim lapses.
        await EnlistAsync(Message("d"));
        Assert.Single(await _store.ClaimDueAsync(10, TimeSpan.Zero, TimeSpan.FromMilliseconds(1)));
        await Task.Delay(20);
        Assert.Equal(["d"], (await _store.ClaimDueAsync(10, TimeSpan.Zero, TimeSpan.FromMinutes(1))).Select(e => e.Message.Envelope.MessageId));

        await _store.MarkDispatchedAsync(["a", "b", "c", "d"]);
        await _store.MarkDispatchedAsync([]);
        Assert.Equal(new OutboxStatistics(0, null, 0), await _store.GetStatisticsAsync());
    }

    [Fact]
    public async Task Concurrent_relays_never_claim_the_same_message()
    {
        var messages = Enumerable.Range(0, 200).Select(i => Message("m" + i)).ToArray();
        await EnlistAsync(messages);
        var relays = Enumerable.Range(0, 4).Select(_ => NewStore()).ToList();
        var claims = await Task.WhenAll(relays.Select(r => Task.Run(async () =>
        {
            var mine = new List<string>();
            while (true)
            {
                var due = await r.ClaimDueAsync(7, TimeSpan.Zero, TimeSpan.FromMinutes(5));
                if (due.Count == 0)
                {
                    return mine;
                }

                mine.AddRange(due.Select(d => d.Message.Envelope.MessageId));
            }
        })));
        var all = claims.SelectMany(c => c).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());
    }

    [Fact]
    public async Task Failures_back_off_then_quarantine_until_released()
    {
        await EnlistAsync(Message("a"), Message("b"));
        await _store.ClaimDueAsync(10, TimeSpan.Zero, TimeSpan.FromMinutes(1));
        await _store.MarkFailedAsync("a", "boom", DateTimeOffset.UtcNow.AddMinutes(5), quarantine: false);
        await _store.MarkFailedAsync("b", "bang", DateTimeOffset.UtcNow.AddMilliseconds(-1), quarantine: true);
        await _store.MarkFailedAsync("nope", "gone", DateTimeOffset.UtcNow, quarantine: true);

        Assert.Empty(await _store.ClaimDueAsync(10, TimeSpan.Zero, TimeSpan.FromMinutes(1)));
        var statistics = await _store.GetStatisticsAsync();
        Assert.Equal(1, statistics.Pending);
        Assert.Equal(1, statistics.Quarantined);
        Assert.NotNull(statistics.OldestPendingAt);
        Assert.InRange(statistics.OldestPendingAt!.Value, DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);

        var quarantined = Assert.Single(await _store.ListQuarantinedAsync(10));
        Assert.Equal("b", quarantined.Message.Envelope.MessageId);
        Assert.Equal(1, quarantined.Attempts);
        Assert.Equal("bang", quarantined.LastError);

        Assert.Equal(0, await _store.ReleaseQuarantinedAsync(["a"]));
        Assert.Equal(0, await _store.ReleaseQuarantinedAsync([]));
        Assert.Equal(1, await _store.ReleaseQuarantinedAsync());
        var released = Assert.Single(await _store.ClaimDueAsync(10, TimeSpan.Zero, TimeSpan.FromMinutes(1)));
        Assert.Equal("b", released.Message.Envelope.MessageId);
        Assert.Equal(0, released.Attempts);

        await _store.MarkFailedAsync("b", "again", DateTimeOffset.UtcNow, quarantine: true);
        Assert.Equal(1, await _store.ReleaseQuarantinedAsync(["b", "x"]));
    }

    [Fact]
    public async Task Handlers_run_their_own_sql_in_the_unit_of_work_with_unqualified_names()
    {
        await ExecuteAsync($"CREATE TABLE {Quoted}.ledger (id text PRIMARY KEY, value bigint NOT NULL)");
        await using (var transaction = await _store.BeginAsync())
        {
            var db = await transaction.GetDbTransactionAsync();
            Assert.Same(db, await transaction.GetDbTransactionAsync());
            Assert.Equal(System.Data.IsolationLevel.ReadCommitted, db.IsolationLevel);
            await RunAsync(db, "INSERT INTO ledger (id, value) VALUES ('kept', 1)");
            Assert.True(await transaction.TryRecordHandledAsync("e", "kept"));
            await transaction.CommitAsync();
        }

        await using (var transaction = await _store.BeginAsync())
        {
            var db = await transaction.GetDbTransactionAsync();
            await RunAsync(db, "INSERT INTO ledger (id, value) VALUES ('lost', 2)");
            Assert.True(await transaction.TryRecordHandledAsync("e", "lost"));
        }

        Assert.Equal(1, await ScalarAsync<long>($"SELECT count(*) FROM {Quoted}.ledger"));
        Assert.True(await _store.WasHandledAsync("e", "kept"));
        Assert.False(await _store.WasHandledAsync("e", "lost"));
    }

    [Fact]
    public async Task The_search_path_puts_the_store_schema_first()
    {
        await using var transaction = await _store.BeginAsync();
        var db = await transaction.GetDbTransactionAsync();
        await using var command = db.Connection!.CreateCommand();
        command.Transaction = db;
        command.CommandText = "SHOW search_path";
        Assert.Equal($"\"{Schema}\", \"$user\", public", await command.ExecuteScalarAsync());

        var plain = NewStore(o => o with { SchemaOnSearchPath = false });
        await using var other = await plain.BeginAsync();
        var otherDb = await other.GetDbTransactionAsync();
        await using var show = otherDb.Connection!.CreateCommand();
        show.Transaction = otherDb;
        show.CommandText = "SHOW search_path";
        Assert.Equal("\"$user\", public", await show.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Session_state_a_handler_leaves_on_its_transaction_reaches_no_later_unit_of_work()
    {
        object? backend;
        await using (var transaction = await _store.BeginAsync())
        {
            var db = await transaction.GetDbTransactionAsync();
            await using var command = db.Connection!.CreateCommand();
            command.Transaction = db;
            command.CommandText = "SET SESSION search_path = pg_catalog; SELECT pg_backend_pid()";
            backend = await command.ExecuteScalarAsync();
            await transaction.CommitAsync();
        }

        // The pool hands the same connection back: Npgsql's reset must have undone the handler's SET.
        await using (var transaction = await _store.BeginAsync())
        {
            var db = await transaction.GetDbTransactionAsync();
            await using var show = db.Connection!.CreateCommand();
            show.Transaction = db;
            show.CommandText = "SELECT current_setting('search_path'), pg_backend_pid()";
            await using var reader = await show.ExecuteReaderAsync();
            Assert.True(await reader.ReadAsync());
            Assert.Equal(backend, reader.GetValue(1));
            Assert.Equal($"\"{Schema}\", \"$user\", public", reader.GetString(0));
        }

        Assert.True(await RecordAsync("e", "after"));
        Assert.True(await _store.WasHandledAsync("e", "after"));
    }

    [Fact]
    public async Task The_stores_own_statements_are_prepared_on_connections_that_keep_them()
    {
        for (var i = 0; i < 10; i++)
        {
            Assert.False(await _store.WasHandledAsync("e", $"m{i}"));
        }

        // One caller at a time: every check ran on the one pooled connection that this opens again.
        await using (var connection = await _store.Statements.OpenConnectionAsync())
        {
            await using var prepared = connection.CreateCommand();
            prepared.CommandText = "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%inbox%'; SET application_name = 'kept'";
            Assert.Equal(1L, await prepared.ExecuteScalarAsync());
        }

        // And that connection skips Npgsql's reset: what a session sets stays (nothing the store runs sets anything).
        await using (var connection = await _store.Statements.OpenConnectionAsync())
        {
            await using var show = connection.CreateCommand();
            show.CommandText = "SHOW application_name";
            Assert.Equal("kept", await show.ExecuteScalarAsync());
        }
    }

    [Theory]
    [InlineData("", 32)]
    [InlineData(";Max Auto Prepare=0", 0)]
    [InlineData(";maxautoprepare=5", 5)]
    public void The_stores_pools_prepare_unless_the_connection_string_says_otherwise(string setting, int expected)
    {
        var store = NewStore(o => o with { ConnectionString = TestServer.ConnectionString + setting });
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(store.Statements.ConnectionString).MaxAutoPrepare);
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(store.DataSource.ConnectionString).MaxAutoPrepare);
    }

    [Fact]
    public async Task A_data_source_of_ones_own_stays_open()
    {
        await using var dataSource = NpgsqlDataSource.Create(TestServer.ConnectionString);
        var store = NewStore(o => o with { DataSource = dataSource });
        await store.InitializeAsync();
        Assert.False(await store.WasHandledAsync("e", "m"));
        await store.DisposeAsync();
        await using var command = dataSource.CreateCommand("SELECT 1");
        Assert.Equal(1, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Timestamps_come_from_the_configured_clock()
    {
        var clock = new FixedClock(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var store = await InitializedStoreAsync(o => o with { TimeProvider = clock });
        await using (var transaction = await store.BeginAsync())
        {
            await transaction.EnlistAsync([Message("a")]);
            await transaction.CommitAsync();
        }

        Assert.Equal(clock.Now, (await store.GetStatisticsAsync()).OldestPendingAt);
        Assert.Empty(await store.ClaimDueAsync(10, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)));
        clock.Now += TimeSpan.FromSeconds(10);
        Assert.Single(await store.ClaimDueAsync(10, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1)));
    }

    private sealed class FixedClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private static OutgoingMessage Message(string id) =>
        new(OutgoingKind.Send, "queue.a", new Envelope { MessageId = id, MessageType = "t", SentAt = DateTimeOffset.UtcNow }, null);

    private static async Task RunAsync(DbTransaction transaction, string sql)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<long> ScalarOnAsync(DbTransaction transaction, string sql)
    {
        await using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>A unit of work in live mode: its database transaction is open, so the store's statements run at once.</summary>
    private async Task<IStoreTransaction> LiveAsync()
    {
        var transaction = await _store.BeginAsync();
        await transaction.GetDbTransactionAsync();
        return transaction;
    }

    private async Task<bool> RecordAsync(string endpoint, string messageId)
    {
        await using var transaction = await _store.BeginAsync();
        var recorded = await transaction.TryRecordHandledAsync(endpoint, messageId);
        await transaction.CommitAsync();
        return recorded;
    }

    private async Task SaveAsync(SagaRecord record, long expectedVersion)
    {
        await using var transaction = await _store.BeginAsync();
        await transaction.SaveSagaAsync(record, expectedVersion);
        await transaction.CommitAsync();
    }

    private async Task<SagaRecord?> LoadAsync(string saga, string key)
    {
        await using var transaction = await _store.BeginAsync();
        return await transaction.LoadSagaAsync(saga, key);
    }

    private async Task EnlistAsync(params OutgoingMessage[] messages)
    {
        await using var transaction = await _store.BeginAsync();
        Assert.True(await transaction.EnlistAsync(messages));
        await transaction.CommitAsync();
    }
}
