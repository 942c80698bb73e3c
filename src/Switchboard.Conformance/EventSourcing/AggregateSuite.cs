using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Aggregates;
using Xunit;

namespace Switchboard.Conformance.EventSourcing;

/// <summary>
/// Aggregates on an event store: load, decide, append with the loaded version; concurrent commands lose no update;
/// a stale save is refused; a load from a snapshot equals a full replay, and a snapshot of an old state shape is ignored.
/// </summary>
public abstract class AggregateSuite<TFactory> : EventSourcingSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    /// <summary>A new aggregate is version 0; its saved events come back on the next load with the version.</summary>
    [Fact]
    public async Task Loads_what_was_saved()
    {
        var repository = Repository(await OpenStoreAsync());
        var account = await repository.LoadAsync<TestAccount>("a1");
        Assert.True(account.IsNew);
        account.Deposit(5);
        account.Rename("savings");
        account.Deposit(7);
        var result = await repository.SaveAsync(account);

        Assert.Equal(3, result!.Value.StreamVersion);
        Assert.Empty(account.Changes);
        var loaded = await repository.LoadAsync<TestAccount>("a1");
        Assert.Equal(3, loaded.Version);
        Assert.Equal(new TestAccountState { Balance = 12, Deposits = 2, Name = "savings" }, loaded.State);
        Assert.Null(await repository.SaveAsync(loaded));
    }

    /// <summary>A save with the version loaded before someone else saved is refused, and writes nothing.</summary>
    [Fact]
    public async Task A_stale_save_is_refused()
    {
        var store = await OpenStoreAsync();
        var repository = Repository(store);
        var first = await repository.LoadAsync<TestAccount>("a2");
        var second = await repository.LoadAsync<TestAccount>("a2");
        first.Deposit(1);
        second.Deposit(2);
        await repository.SaveAsync(first);

        var refused = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => repository.SaveAsync(second));
        Assert.Equal(1, refused.ActualVersion);
        Assert.Equal(1, await store.GetStreamVersionAsync(repository.StreamOf<TestAccount>("a2")));
    }

    /// <summary>8 instances run 25 commands each on one aggregate at once: conflicts are retried and no update is lost.</summary>
    [Fact]
    public async Task Concurrent_commands_on_one_aggregate_lose_no_update()
    {
        var tasks = new List<Task>();
        for (var writer = 0; writer < 8; writer++)
        {
            var repository = Repository(await OpenStoreAsync(), new AggregateOptions("account") { MaxConflictRetries = 1000 });
            tasks.Add(Task.Run(async () =>
            {
                for (var command = 0; command < 25; command++)
                {
                    await repository.HandleAsync<TestAccount>("shared", a => a.Deposit(1));
                }
            }));
        }

        await Task.WhenAll(tasks).WaitAsync(Patience);

        var account = await Repository(await OpenStoreAsync()).LoadAsync<TestAccount>("shared");
        Assert.Equal(200, account.State.Balance);
        Assert.Equal(200, account.Version);
    }

    /// <summary>With snapshots every 10 events, a long stream loads from the latest snapshot to the same state and version as a full replay.</summary>
    [Fact]
    public async Task A_load_from_a_snapshot_equals_a_full_replay()
    {
        var store = await OpenStoreAsync();
        var snapshotting = Repository(store, new AggregateOptions("account") { SnapshotEvery = 10 });
        for (var round = 0; round < 19; round++)
        {
            await snapshotting.HandleAsync<TestAccount>("long", a =>
            {
                a.Deposit(round + 1);
                a.Deposit(3);
                a.Rename($"name-{round}");
            });
        }

        var stream = snapshotting.StreamOf<TestAccount>("long");
        var snapshot = await Snapshots(store).LoadSnapshotAsync(stream);
        Assert.NotNull(snapshot);
        Assert.Equal(57, await store.GetStreamVersionAsync(stream));
        Assert.InRange(snapshot.Version, 50, 57);

        var fromSnapshot = await snapshotting.LoadAsync<TestAccount>("long");
        var replayed = await Repository(store).LoadAsync<TestAccount>("long");
        Assert.Equal(replayed.State, fromSnapshot.State);
        Assert.Equal(replayed.Version, fromSnapshot.Version);
        Assert.Equal(57, fromSnapshot.Version);

        // The snapshot is what the load used: a state saved in it shows through.
        await Snapshots(store).SaveSnapshotAsync(snapshot with { Version = 57, Data = """{"balance":-1,"deposits":0,"name":"from-snapshot"}"""u8.ToArray() });
        Assert.Equal("from-snapshot", (await snapshotting.LoadAsync<TestAccount>("long")).State.Name);

        // Another state shape (schema 2) ignores it and replays.
        var newShape = Repository(store, new AggregateOptions("account") { SnapshotEvery = 10, SnapshotSchema = 2 });
        Assert.Equal(replayed.State, (await newShape.LoadAsync<TestAccount>("long")).State);
    }

    private static AggregateRepository Repository(IEventStore store, AggregateOptions? options = null) =>
        new(store, store, Snapshots(store), Types, new Dictionary<Type, AggregateOptions> { [typeof(TestAccount)] = options ?? new AggregateOptions("account") });
}
