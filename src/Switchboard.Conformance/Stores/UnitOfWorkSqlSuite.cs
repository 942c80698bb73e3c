using Microsoft.Extensions.DependencyInjection;
using Switchboard.Persistence;
using Switchboard.Conformance.Harness;
using Xunit;

namespace Switchboard.Conformance.Stores;

/// <summary>
/// Handlers' own SQL in the unit of work, for stores with a database (<see cref="ITestDatabase"/>): rows written on
/// <see cref="ISqlUnitOfWork.GetDbTransactionAsync"/>'s transaction and statements enlisted with
/// <see cref="ISqlUnitOfWork.EnlistWriteAsync"/> commit and roll back with the inbox record, saga state and outgoing
/// messages, also under concurrency. A store without a database has no such unit of work, and its test project does
/// not derive this suite.
/// </summary>
public abstract class UnitOfWorkSqlSuite<TFactory> : StoreSuite<TFactory>
    where TFactory : IStoreFactory, new()
{
    private const string LedgerQueue = "uow-ledger";

    /// <summary>The test store's database, where handlers' tables live.</summary>
    protected ITestDatabase Database => TestDatabases.Of(Scope, typeof(TFactory));

    /// <summary>A store instance on the test's data, initialized and disposed with the test: a store with a database.</summary>
    protected async Task<ISqlMessageStore> OpenSqlStoreAsync() =>
        await OpenStoreAsync() as ISqlMessageStore ?? throw new InvalidOperationException($"{typeof(TFactory).Name} has a database but its store is not an {nameof(ISqlMessageStore)}.");

    /// <summary>
    /// Below the bus: rows written on the store transaction's database transaction commit with the inbox record
    /// and saga state, and roll back with them (disposed without commit, or after a concurrency conflict).
    /// </summary>
    [Fact]
    public async Task Rows_commit_and_roll_back_with_the_store_transaction_with_the_handlers_own_table()
    {
        const string table = "store_suite_rows";
        const string saga = "test.store.rows";
        await Database.CreateTestTableAsync(table);
        var store = await OpenSqlStoreAsync();

        await using (var transaction = await store.BeginAsync())
        {
            var db = await transaction.GetDbTransactionAsync();
            Assert.NotNull(db.Connection);
            await LedgerHandler.InsertRowAsync(db, table, "committed", 1);
            await transaction.SaveSagaAsync(new SagaRecord(saga, "committed", 1, "{}", false), 0);
            Assert.True(await transaction.TryRecordHandledAsync("rows", "m-1"));
            await transaction.CommitAsync();
        }

        await using (var transaction = await store.BeginAsync())
        {
            await LedgerHandler.InsertRowAsync(await transaction.GetDbTransactionAsync(), table, "rolled-back", 2);
            await transaction.SaveSagaAsync(new SagaRecord(saga, "rolled-back", 1, "{}", false), 0);
            Assert.True(await transaction.TryRecordHandledAsync("rows", "m-2"));
        }

        await using (var transaction = await store.BeginAsync())
        {
            await LedgerHandler.InsertRowAsync(await transaction.GetDbTransactionAsync(), table, "conflicted", 3);
            await Assert.ThrowsAsync<ConcurrencyConflictException>(async () =>
            {
                await transaction.SaveSagaAsync(new SagaRecord(saga, "committed", 1, "{}", false), 0);
                await transaction.CommitAsync();
            });
        }

        var rows = await Database.ReadTestTableAsync(table);
        Assert.Equal(new Dictionary<string, long> { ["committed"] = 1 }, rows);
        Assert.NotNull(await LoadSagaAsync(store, saga, "committed"));
        Assert.Null(await LoadSagaAsync(store, saga, "rolled-back"));
        Assert.True(await store.WasHandledAsync("rows", "m-1"));
        Assert.False(await store.WasHandledAsync("rows", "m-2"));
    }

    /// <summary>A transactional handler writes a row in its own table and sends a message: both happen.</summary>
    [Fact]
    public async Task A_handlers_row_and_its_message_commit_together_with_the_handlers_own_table()
    {
        var bus = await StartLedgerBusAsync();

        await bus.Bus.SendAsync(new WriteLedgerRow("a", 42, Fail: false), SendOptions.To(LedgerQueue));

        await WaitForAsync(() => Probe.Received.OfType<LedgerRowWritten>().Any(), "the handler's message");
        Assert.Equal(new LedgerRowWritten("a", 42), Assert.Single(Probe.Received));
        Assert.Equal(new Dictionary<string, long> { ["a"] = 42 }, await Database.ReadTestTableAsync(LedgerHandler.Table));
        var store = await OpenSqlStoreAsync();
        await WaitForAsync(async () => (await store.Outbox.GetStatisticsAsync()).Pending == 0, "the outbox to be empty");
    }

    /// <summary>A transactional handler writes a row, sends, then throws: no row, no message.</summary>
    [Fact]
    public async Task A_failed_handler_leaves_no_row_and_sends_nothing_with_the_handlers_own_table()
    {
        var bus = await StartLedgerBusAsync();

        await bus.Bus.SendAsync(new WriteLedgerRow("b", 7, Fail: true), SendOptions.To(LedgerQueue));

        var letter = Assert.Single(await WaitForDeadLettersAsync(bus.DeadLetters, LedgerQueue, 1));
        Assert.Equal(typeof(InvalidOperationException).FullName, letter.ExceptionType);
        await Task.Delay(Settle);
        Assert.Empty(Probe.Received);
        Assert.Empty(await Database.ReadTestTableAsync(LedgerHandler.Table));
        var store = await OpenSqlStoreAsync();
        Assert.Equal(0, (await store.Outbox.GetStatisticsAsync()).Pending);
    }

    /// <summary>
    /// Below the bus: statements enlisted with <see cref="ISqlStoreTransaction.EnlistWriteAsync"/> commit with the inbox
    /// record, vanish when the unit is disposed without commit, and one that changes another number of rows than it
    /// expects fails the whole unit with a conflict (whether the store runs it at once or at the commit), leaving
    /// nothing of it behind, also when the caller catches the exception and tries to commit anyway.
    /// </summary>
    [Fact]
    public async Task Enlisted_writes_commit_and_roll_back_with_the_unit_of_work_with_the_handlers_own_table()
    {
        const string table = "store_suite_enlisted";
        await Database.CreateTestTableAsync(table);
        var store = await OpenSqlStoreAsync();
        var insert = $"INSERT INTO {table} (id, value) VALUES (@p0, @p1)";

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("enlisted", "m-1"));
            await transaction.EnlistWriteAsync(new StoreWrite(insert, "committed", 1L));
            await transaction.EnlistWriteAsync(new StoreWrite($"UPDATE {table} SET value = value + 1 WHERE id = @p0", "committed") { ExpectedRows = 1 });
            await transaction.CommitAsync();
        }

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("enlisted", "m-2"));
            await transaction.EnlistWriteAsync(new StoreWrite(insert, "rolled-back", 2L));
        }

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("enlisted", "m-3"));
            await Assert.ThrowsAsync<ConcurrencyConflictException>(async () =>
            {
                await transaction.EnlistWriteAsync(new StoreWrite(insert, "conflicted", 3L));
                await transaction.EnlistWriteAsync(new StoreWrite($"UPDATE {table} SET value = 0 WHERE id = @p0", "no-such-row") { ExpectedRows = 1 });
                await transaction.CommitAsync();
            });
        }

        // With the transaction open (the statements run at once), a handler that swallows the conflict still cannot commit.
        await using (var transaction = await store.BeginAsync())
        {
            await transaction.GetDbTransactionAsync();
            Assert.True(await transaction.TryRecordHandledAsync("enlisted", "m-4"));
            await transaction.EnlistWriteAsync(new StoreWrite(insert, "swallowed", 4L));
            await Assert.ThrowsAsync<ConcurrencyConflictException>(async () =>
                await transaction.EnlistWriteAsync(new StoreWrite($"UPDATE {table} SET value = 0 WHERE id = @p0", "no-such-row") { ExpectedRows = 1 }));
            await Assert.ThrowsAsync<ConcurrencyConflictException>(async () => await transaction.CommitAsync());
        }

        Assert.Equal(new Dictionary<string, long> { ["committed"] = 2 }, await Database.ReadTestTableAsync(table));
        Assert.True(await store.WasHandledAsync("enlisted", "m-1"));
        Assert.False(await store.WasHandledAsync("enlisted", "m-2"));
        Assert.False(await store.WasHandledAsync("enlisted", "m-3"));
        Assert.False(await store.WasHandledAsync("enlisted", "m-4"));
    }

    /// <summary>
    /// A store that holds enlisted statements until the commit runs them on the transaction as soon as a handler asks
    /// for it: the handler's own SQL there sees them, and one that changed another number of rows than it expects
    /// fails the unit then (a store that runs them at once failed it at the call). An expected count over one row,
    /// and a statement written with a final semicolon, are kept exactly.
    /// </summary>
    [Fact]
    public async Task Enlisted_writes_are_seen_by_the_transaction_a_handler_asks_for_later_with_the_handlers_own_table()
    {
        const string table = "store_suite_enlisted_then_live";
        await Database.CreateTestTableAsync(table);
        var store = await OpenSqlStoreAsync();

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("enlisted-live", "m-1"));
            await transaction.EnlistWriteAsync(new StoreWrite($"INSERT INTO {table} (id, value) VALUES (@p0, 1), (@p1, 1);", "a", "b") { ExpectedRows = 2 });
            var own = await transaction.GetDbTransactionAsync();
            await using (var read = PositionalCommand.Create(own.Connection!, own, $"SELECT COUNT(*) FROM {table}"))
            {
                Assert.Equal(2L, Convert.ToInt64(await read.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
            }

            await transaction.EnlistWriteAsync(new StoreWrite($"UPDATE {table} SET value = value + 1 WHERE value = @p0", 1L) { ExpectedRows = 2 });
            await transaction.CommitAsync();
        }

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("enlisted-live", "m-2"));
            await Assert.ThrowsAsync<ConcurrencyConflictException>(async () =>
            {
                await transaction.EnlistWriteAsync(new StoreWrite($"UPDATE {table} SET value = 0 WHERE id = @p0", "a") { ExpectedRows = 2 });
                await transaction.GetDbTransactionAsync();
                await transaction.CommitAsync();
            });
            await Assert.ThrowsAnyAsync<Exception>(async () => await transaction.CommitAsync());
        }

        Assert.Equal(new Dictionary<string, long> { ["a"] = 2, ["b"] = 2 }, await Database.ReadTestTableAsync(table));
        Assert.True(await store.WasHandledAsync("enlisted-live", "m-1"));
        Assert.False(await store.WasHandledAsync("enlisted-live", "m-2"));
    }

    /// <summary>
    /// An enlisted statement takes its rows' locks no sooner than the commit: while one unit of work holds an update of
    /// a row (its handler still running), another unit updates the same row and commits without waiting for it. (The
    /// row's insert ends with a semicolon, which a statement may.)
    /// </summary>
    [Fact]
    public async Task Enlisted_writes_lock_nothing_before_the_commit_with_the_handlers_own_table()
    {
        const string table = "store_suite_enlisted_locks";
        await Database.CreateTestTableAsync(table);
        var store = await OpenSqlStoreAsync();
        var update = $"UPDATE {table} SET value = value + @p1 WHERE id = @p0";
        await using (var setup = await store.BeginAsync())
        {
            await setup.EnlistWriteAsync(new StoreWrite($"INSERT INTO {table} (id, value) VALUES (@p0, 0);", "row"));
            await setup.CommitAsync();
        }

        await using var slow = await store.BeginAsync();
        await slow.EnlistWriteAsync(new StoreWrite(update, "row", 1L) { ExpectedRows = 1 });
        await using (var fast = await store.BeginAsync())
        {
            await fast.EnlistWriteAsync(new StoreWrite(update, "row", 10L) { ExpectedRows = 1 });
            await fast.CommitAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(10));
        }

        Assert.Equal(new Dictionary<string, long> { ["row"] = 10 }, await Database.ReadTestTableAsync(table));
        await slow.CommitAsync();
        Assert.Equal(new Dictionary<string, long> { ["row"] = 11 }, await Database.ReadTestTableAsync(table));
    }

    /// <summary>
    /// A handler that ends the lent transaction itself (a <c>ROLLBACK</c> of its own) cannot make the unit of work commit
    /// in part: whatever fails along the way (the store's next statement, or the commit), nothing of the unit is kept,
    /// neither what the handler wrote before nor after, nor the inbox record.
    /// </summary>
    [Fact]
    public async Task A_handler_that_rolls_back_the_lent_transaction_leaves_nothing_of_the_unit_with_the_handlers_own_table()
    {
        const string table = "store_suite_handler_rollback";
        await Database.CreateTestTableAsync(table);
        var store = await OpenSqlStoreAsync();
        var insert = $"INSERT INTO {table} (id, value) VALUES (@p0, @p1)";

        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("handler-rollback", "m-1"));
            var own = await transaction.GetDbTransactionAsync();
            await using (var before = PositionalCommand.Create(own.Connection!, own, insert, "before", 1L))
            {
                await before.ExecuteNonQueryAsync();
            }

            var committed = false;
            try
            {
                await using (var rollback = PositionalCommand.Create(own.Connection!, own, "ROLLBACK"))
                {
                    await rollback.ExecuteNonQueryAsync();
                }

                await transaction.EnlistWriteAsync(new StoreWrite(insert, "after", 2L));
                await transaction.CommitAsync();
                committed = true;
            }
            catch (Exception e) when (e is not Xunit.Sdk.XunitException)
            {
                // Expected: the store notices that its transaction was ended under it.
            }

            Assert.False(committed, "The unit of work committed after its handler rolled its transaction back.");
        }

        Assert.Empty(await Database.ReadTestTableAsync(table));
        Assert.False(await store.WasHandledAsync("handler-rollback", "m-1"));
    }

    /// <summary>
    /// An enlisted statement keeps the parameter values it was enlisted with: a caller that reuses its array for the
    /// next statement changes nothing already enlisted, whether the store runs statements at once or at the commit.
    /// </summary>
    [Fact]
    public async Task Enlisted_writes_keep_the_values_they_were_enlisted_with_with_the_handlers_own_table()
    {
        const string table = "store_suite_enlisted_values";
        await Database.CreateTestTableAsync(table);
        var store = await OpenSqlStoreAsync();
        var parameters = new object?[2];

        await using (var transaction = await store.BeginAsync())
        {
            foreach (var (id, value) in new[] { ("first", 1L), ("second", 2L) })
            {
                parameters[0] = id;
                parameters[1] = value;
                await transaction.EnlistWriteAsync(new StoreWrite($"INSERT INTO {table} (id, value) VALUES (@p0, @p1)", parameters));
            }

            await transaction.CommitAsync();
        }

        Assert.Equal(new Dictionary<string, long> { ["first"] = 1, ["second"] = 2 }, await Database.ReadTestTableAsync(table));
    }

    /// <summary>
    /// Through the bus: 30 messages at once, 8 handlers, each reading a counter outside its unit of work and enlisting
    /// "what I read plus one, if it is still what I read". Every lost race is a conflict that runs the message again,
    /// so the counter ends at exactly 30 and nothing is dead-lettered.
    /// </summary>
    [Fact]
    public async Task Enlisted_writes_with_an_expected_row_count_lose_no_update_under_concurrency_with_the_handlers_own_table()
    {
        const string queue = "uow-counters";
        const int messages = 30;
        await Database.CreateTestTableAsync(CounterHandler.Table);
        var store = await OpenSqlStoreAsync();
        await using (var transaction = await store.BeginAsync())
        {
            await transaction.EnlistWriteAsync(new StoreWrite($"INSERT INTO {CounterHandler.Table} (id, value) VALUES (@p0, 0)", "hits"));
            await transaction.CommitAsync();
        }

        var bus = await StartBusAsync(b =>
        {
            b.Services.AddSingleton(new CounterReads(async (id, ct) => (await Database.ReadTestTableAsync(CounterHandler.Table, ct))[id]));
            b.Endpoint(queue, e => e.Handle<IncrementCounter, CounterHandler>().Transactional().Concurrency(8).Retry(FastRetries));
        });

        await Task.WhenAll(Enumerable.Range(0, messages).Select(_ => bus.Bus.SendAsync(queue, new IncrementCounter("hits")).AsTask()));

        await WaitForAsync(async () => (await Database.ReadTestTableAsync(CounterHandler.Table))["hits"] >= messages, "the counter to reach 30");
        await Task.Delay(Settle);
        Assert.Equal(messages, (await Database.ReadTestTableAsync(CounterHandler.Table))["hits"]);
        Assert.Equal(0, await bus.DeadLetters.CountAsync(queue));
    }

    private async Task<RunningBus> StartLedgerBusAsync()
    {
        await Database.CreateTestTableAsync(LedgerHandler.Table);
        return await StartBusAsync(b => b
            .Endpoint(LedgerQueue, e => e.Handle<WriteLedgerRow, LedgerHandler>().Transactional().Retry(RetryPolicy.None))
            .Endpoint(LedgerHandler.AuditQueue, e => e.Handle<LedgerRowWritten, LedgerAuditHandler>()));
    }
}
