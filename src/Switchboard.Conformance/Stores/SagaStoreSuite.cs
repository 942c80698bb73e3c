using Switchboard.Persistence;
using Xunit;

namespace Switchboard.Conformance.Stores;

/// <summary>
/// Saga instances below the bus: insert and update with optimistic concurrency, atomic with the transaction,
/// one winner when two units of work race for the same instance.
/// </summary>
public abstract class SagaStoreSuite<TFactory> : StoreSuite<TFactory>
    where TFactory : IStoreFactory, new()
{
    private const string Saga = "test.orders";

    // Not just ASCII, quotes and a nested value: the state is stored as JSON, the key as text.
    private const string Key = "order/42 ä";
    private const string FirstState = """{"status":"placed","customer":"Zoë \"Z\" O'Neil","lines":[{"sku":"a-1","quantity":2}]}""";
    private const string SecondState = """{"status":"paid","customer":"Zoë \"Z\" O'Neil","lines":[{"sku":"a-1","quantity":2}]}""";

    /// <summary>A key nobody saved loads as null.</summary>
    [Fact]
    public async Task A_missing_instance_loads_as_null()
    {
        var store = await OpenStoreAsync();

        Assert.Null(await LoadSagaAsync(store, Saga, Key));
    }

    /// <summary>An insert (expected version 0), once committed, loads in a new transaction at version 1 with its state.</summary>
    [Fact]
    public async Task An_inserted_instance_loads_in_a_new_transaction_at_version_1_with_its_state()
    {
        var store = await OpenStoreAsync();

        await SaveAsync(store, new SagaRecord(Saga, Key, 1, FirstState, false), 0);

        var loaded = await LoadSagaAsync(store, Saga, Key);
        Assert.NotNull(loaded);
        Assert.Equal(Saga, loaded.Saga);
        Assert.Equal(Key, loaded.Key);
        Assert.Equal(1, loaded.Version);
        Assert.False(loaded.Completed);
        AssertSameJson(FirstState, loaded.State);
    }

    /// <summary>An update with the version loaded stores the next version and the new state.</summary>
    [Fact]
    public async Task An_update_with_the_current_version_stores_version_2()
    {
        var store = await OpenStoreAsync();
        await SaveAsync(store, new SagaRecord(Saga, Key, 1, FirstState, false), 0);

        await using (var transaction = await store.BeginAsync())
        {
            var loaded = await transaction.LoadSagaAsync(Saga, Key);
            Assert.NotNull(loaded);
            await transaction.SaveSagaAsync(loaded with { Version = loaded.Version + 1, State = SecondState }, loaded.Version);
            await transaction.CommitAsync();
        }

        var updated = await LoadSagaAsync(store, Saga, Key);
        Assert.NotNull(updated);
        Assert.Equal(2, updated.Version);
        AssertSameJson(SecondState, updated.State);
    }

    /// <summary>
    /// An update with a version that is no longer current fails with <see cref="ConcurrencyConflictException"/>
    /// (from the save or the commit) and changes nothing.
    /// </summary>
    [Fact]
    public async Task An_update_with_a_stale_version_conflicts_and_changes_nothing()
    {
        var store = await OpenStoreAsync();
        await SaveAsync(store, new SagaRecord(Saga, Key, 1, FirstState, false), 0);
        await SaveAsync(store, new SagaRecord(Saga, Key, 2, SecondState, false), 1);

        await using (var transaction = await store.BeginAsync())
        {
            await Assert.ThrowsAsync<ConcurrencyConflictException>(async () =>
            {
                await transaction.SaveSagaAsync(new SagaRecord(Saga, Key, 2, """{"status":"stale"}""", true), 1);
                await transaction.CommitAsync();
            });
        }

        var current = await LoadSagaAsync(store, Saga, Key);
        Assert.NotNull(current);
        Assert.Equal(2, current.Version);
        Assert.False(current.Completed);
        AssertSameJson(SecondState, current.State);
    }

    /// <summary>An insert (expected version 0) of an instance that exists conflicts and changes nothing.</summary>
    [Fact]
    public async Task Inserting_an_instance_that_exists_conflicts_and_changes_nothing()
    {
        var store = await OpenStoreAsync();
        await SaveAsync(store, new SagaRecord(Saga, Key, 1, FirstState, false), 0);

        await using (var transaction = await store.BeginAsync())
        {
            await Assert.ThrowsAsync<ConcurrencyConflictException>(async () =>
            {
                await transaction.SaveSagaAsync(new SagaRecord(Saga, Key, 1, SecondState, false), 0);
                await transaction.CommitAsync();
            });
        }

        var current = await LoadSagaAsync(store, Saga, Key);
        Assert.NotNull(current);
        Assert.Equal(1, current.Version);
        AssertSameJson(FirstState, current.State);
    }

    /// <summary>An update (expected version 1) of an instance that does not exist conflicts and creates nothing.</summary>
    [Fact]
    public async Task Updating_an_instance_that_does_not_exist_conflicts_and_creates_nothing()
    {
        var store = await OpenStoreAsync();

        await using (var transaction = await store.BeginAsync())
        {
            await Assert.ThrowsAsync<ConcurrencyConflictException>(async () =>
            {
                await transaction.SaveSagaAsync(new SagaRecord(Saga, Key, 2, SecondState, false), 1);
                await transaction.CommitAsync();
            });
        }

        Assert.Null(await LoadSagaAsync(store, Saga, Key));
    }

    /// <summary>
    /// Two units of work insert the same new instance at once: exactly one commits, the other gets
    /// <see cref="ConcurrencyConflictException"/>, and the winner's state is stored at version 1.
    /// </summary>
    [Fact]
    public async Task Two_transactions_inserting_the_same_new_instance_at_once_exactly_one_commits()
    {
        var store = await OpenStoreAsync();
        var gate = new Rendezvous(2);

        var outcomes = await Task.WhenAll(
            Task.Run(() => OutcomeAsync(() => InsertAsync(store, gate, FirstState))),
            Task.Run(() => OutcomeAsync(() => InsertAsync(store, gate, SecondState))));

        AssertOneWinner(outcomes);
        var stored = await LoadSagaAsync(store, Saga, Key);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        AssertSameJson(outcomes[0] is null ? FirstState : SecondState, stored.State);
    }

    /// <summary>
    /// Two units of work update the same instance from the same version at once: exactly one commits, the other
    /// gets <see cref="ConcurrencyConflictException"/>, and the winner's state is stored at version 2.
    /// </summary>
    [Fact]
    public async Task Two_transactions_updating_the_same_version_at_once_exactly_one_commits()
    {
        var store = await OpenStoreAsync();
        await SaveAsync(store, new SagaRecord(Saga, Key, 1, FirstState, false), 0);
        var gate = new Rendezvous(2);
        var stateA = """{"status":"by a"}""";
        var stateB = """{"status":"by b"}""";

        var outcomes = await Task.WhenAll(
            Task.Run(() => OutcomeAsync(() => UpdateAsync(store, gate, stateA))),
            Task.Run(() => OutcomeAsync(() => UpdateAsync(store, gate, stateB))));

        AssertOneWinner(outcomes);
        var stored = await LoadSagaAsync(store, Saga, Key);
        Assert.NotNull(stored);
        Assert.Equal(2, stored.Version);
        AssertSameJson(outcomes[0] is null ? stateA : stateB, stored.State);
    }

    /// <summary>
    /// An insert made while another transaction's insert of the same key is uncommitted, then the first commits:
    /// exactly one of them commits (a database makes the second wait for the first; an optimistic store may let
    /// the second commit first), the other gets <see cref="ConcurrencyConflictException"/> from its save or commit.
    /// </summary>
    [Fact]
    public async Task An_insert_racing_an_uncommitted_insert_of_the_same_key_exactly_one_commits()
    {
        var store = await OpenStoreAsync();
        var first = await store.BeginAsync();
        Exception? firstOutcome;
        Task<Exception?> second;
        try
        {
            await first.SaveSagaAsync(new SagaRecord(Saga, Key, 1, FirstState, false), 0);

            // A database may block the second insert until the first ends: start it, then end the first.
            second = Task.Run(() => OutcomeAsync(async () =>
            {
                var transaction = await store.BeginAsync();
                await using (transaction)
                {
                    await transaction.SaveSagaAsync(new SagaRecord(Saga, Key, 1, SecondState, false), 0);
                    await transaction.CommitAsync();
                }
            }));
            await Task.Delay(200);
            firstOutcome = await OutcomeAsync(() => first.CommitAsync().AsTask());
        }
        finally
        {
            await first.DisposeAsync();
        }

        var outcomes = new[] { firstOutcome, await second.WaitAsync(Patience) };
        AssertOneWinner(outcomes);
        var stored = await LoadSagaAsync(store, Saga, Key);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        AssertSameJson(outcomes[0] is null ? FirstState : SecondState, stored.State);
    }

    /// <summary>
    /// An insert made while another transaction's insert of the same key is uncommitted: when the first rolls
    /// back, the second commits.
    /// </summary>
    [Fact]
    public async Task An_insert_racing_an_uncommitted_insert_of_the_same_key_succeeds_when_the_first_rolls_back()
    {
        var store = await OpenStoreAsync();
        var first = await store.BeginAsync();
        Task<Exception?> second;
        try
        {
            await first.SaveSagaAsync(new SagaRecord(Saga, Key, 1, FirstState, false), 0);
            second = Task.Run(() => OutcomeAsync(async () =>
            {
                var transaction = await store.BeginAsync();
                await using (transaction)
                {
                    await transaction.SaveSagaAsync(new SagaRecord(Saga, Key, 1, SecondState, false), 0);
                    await transaction.CommitAsync();
                }
            }));
            await Task.Delay(200);
        }
        finally
        {
            // Disposing without committing rolls back.
            await first.DisposeAsync();
        }

        Assert.Null(await second.WaitAsync(Patience));
        var stored = await LoadSagaAsync(store, Saga, Key);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        AssertSameJson(SecondState, stored.State);
    }

    /// <summary>A transaction disposed without committing leaves nothing: neither its insert nor its update.</summary>
    [Fact]
    public async Task An_uncommitted_transaction_leaves_nothing()
    {
        var store = await OpenStoreAsync();
        await using (var transaction = await store.BeginAsync())
        {
            await transaction.SaveSagaAsync(new SagaRecord(Saga, Key, 1, FirstState, false), 0);
        }

        Assert.Null(await LoadSagaAsync(store, Saga, Key));

        await SaveAsync(store, new SagaRecord(Saga, Key, 1, FirstState, false), 0);
        await using (var transaction = await store.BeginAsync())
        {
            await transaction.SaveSagaAsync(new SagaRecord(Saga, Key, 2, SecondState, true), 1);
        }

        var stored = await LoadSagaAsync(store, Saga, Key);
        Assert.NotNull(stored);
        Assert.Equal(1, stored.Version);
        Assert.False(stored.Completed);
        AssertSameJson(FirstState, stored.State);

        // And the version it left alone is still the one to update from.
        await SaveAsync(store, new SagaRecord(Saga, Key, 2, SecondState, false), 1);
        Assert.Equal(2, (await LoadSagaAsync(store, Saga, Key))!.Version);
    }

    /// <summary>The completed flag round-trips, set on insert or on a later update.</summary>
    [Fact]
    public async Task The_completed_flag_round_trips()
    {
        var store = await OpenStoreAsync();
        await SaveAsync(store, new SagaRecord(Saga, "open-then-completed", 1, FirstState, false), 0);
        await SaveAsync(store, new SagaRecord(Saga, "completed-at-once", 1, FirstState, true), 0);

        Assert.False((await LoadSagaAsync(store, Saga, "open-then-completed"))!.Completed);
        Assert.True((await LoadSagaAsync(store, Saga, "completed-at-once"))!.Completed);

        await SaveAsync(store, new SagaRecord(Saga, "open-then-completed", 2, SecondState, true), 1);

        var completed = await LoadSagaAsync(store, Saga, "open-then-completed");
        Assert.NotNull(completed);
        Assert.True(completed.Completed);
        Assert.Equal(2, completed.Version);
        AssertSameJson(SecondState, completed.State);
    }

    /// <summary>Two sagas with the same key are different instances: both insert, and changing one leaves the other alone.</summary>
    [Fact]
    public async Task Sagas_with_different_names_and_the_same_key_are_independent()
    {
        var store = await OpenStoreAsync();
        await SaveAsync(store, new SagaRecord("test.saga-a", Key, 1, """{"owner":"a"}""", false), 0);
        await SaveAsync(store, new SagaRecord("test.saga-b", Key, 1, """{"owner":"b"}""", false), 0);

        await SaveAsync(store, new SagaRecord("test.saga-a", Key, 2, """{"owner":"a","step":2}""", true), 1);

        var a = await LoadSagaAsync(store, "test.saga-a", Key);
        var b = await LoadSagaAsync(store, "test.saga-b", Key);
        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.Equal(2, a.Version);
        Assert.True(a.Completed);
        AssertSameJson("""{"owner":"a","step":2}""", a.State);
        Assert.Equal(1, b.Version);
        Assert.False(b.Completed);
        AssertSameJson("""{"owner":"b"}""", b.State);
        Assert.Null(await LoadSagaAsync(store, "test.saga-c", Key));
    }

    private static async Task SaveAsync(IMessageStore store, SagaRecord record, long expectedVersion)
    {
        var transaction = await store.BeginAsync();
        await using (transaction)
        {
            await transaction.SaveSagaAsync(record, expectedVersion);
            await transaction.CommitAsync();
        }
    }

    private static async Task InsertAsync(IMessageStore store, Rendezvous gate, string state)
    {
        var transaction = await store.BeginAsync();
        await using (transaction)
        {
            // No load first: a store may serialize transactions from their first use, and then the second would
            // (correctly) see the first's instance. Both save believing there is none.
            await gate.ArriveAsync(TimeSpan.FromSeconds(2));
            await transaction.SaveSagaAsync(new SagaRecord(Saga, Key, 1, state, false), 0);
            await transaction.CommitAsync();
        }
    }

    private static async Task UpdateAsync(IMessageStore store, Rendezvous gate, string state)
    {
        var transaction = await store.BeginAsync();
        await using (transaction)
        {
            // Both save believing version 1 is current (as two handlers that loaded it would).
            await gate.ArriveAsync(TimeSpan.FromSeconds(2));
            await transaction.SaveSagaAsync(new SagaRecord(Saga, Key, 2, state, false), 1);
            await transaction.CommitAsync();
        }
    }

    private static void AssertOneWinner(Exception?[] outcomes)
    {
        Assert.Single(outcomes, o => o is null);
        var loser = Assert.Single(outcomes, o => o is not null);
        Assert.True(loser is ConcurrencyConflictException, $"The loser must get {nameof(ConcurrencyConflictException)}, got {loser}");
    }
}
