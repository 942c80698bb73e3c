using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Projections;
using Switchboard.EventSourcing.Subscriptions;
using Xunit;

namespace Switchboard.Conformance.EventSourcing;

/// <summary>
/// Projections on an event store: a read model built from events with its checkpoint in the same transaction (each
/// event applied once, also after a restart), and a rebuild into a new generation that is swapped in while readers
/// keep reading and writers keep appending. Here the projection keeps its read model itself, in memory
/// (<see cref="TallyProjection"/>), which runs on every store; a store with a database derives
/// <see cref="ProjectionSqlSuite{TFactory}"/> too, which runs these tests on a read model in its tables.
/// </summary>
public abstract class ProjectionSuite<TFactory> : EventSourcingSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    private readonly InMemoryTallies _memory = new();

    private static SubscriptionOptions Fast => new("tally") { BatchSize = 25, MaxWait = TimeSpan.FromMilliseconds(200), FirstRetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(100) };

    /// <summary>Every Counted event of the tally streams is in the read model exactly once; other categories are not.</summary>
    [Fact]
    public async Task Builds_its_read_model_from_the_events()
    {
        var store = await OpenStoreAsync();
        var expected = await AppendTalliesAsync(store, streams: 6, perStream: 30);
        await store.AppendAsync("other-1", ExpectedVersion.Any, [Types.ToEventData(new Counted(1000))]);
        var last = await store.AppendAsync("tally-0", ExpectedVersion.Any, [Types.ToEventData(new Renamed("ignored"))]);

        var host = await StartAsync(store, NewProjection());
        await host.WaitForPositionAsync(last.Position).WaitAsync(Patience);

        Assert.Equal(expected, await ReadTalliesAsync(host));
    }

    /// <summary>A projection started again (another process) continues from its committed checkpoint: nothing twice, nothing missed.</summary>
    [Fact]
    public async Task Continues_after_a_restart_without_applying_anything_twice()
    {
        var store = await OpenStoreAsync();
        var expected = await AppendTalliesAsync(store, streams: 4, perStream: 10);
        var first = await StartAsync(store, NewProjection());
        var all = await ReadEverythingAsync(store);
        await first.WaitForPositionAsync(all[^1].Position).WaitAsync(Patience);
        await first.StopAsync();

        Merge(expected, await AppendTalliesAsync(store, streams: 4, perStream: 5));
        var other = await OpenStoreAsync();
        var second = await StartAsync(other, NewProjection());
        all = await ReadEverythingAsync(other);
        await second.WaitForPositionAsync(all[^1].Position).WaitAsync(Patience);

        Assert.Equal(expected, await ReadTalliesAsync(second));
    }

    /// <summary>
    /// A rebuild replays every event into generation 2 with the projection's new code while readers read generation 1
    /// without interruption and writers keep appending; after the swap readers see generation 2 with every event once.
    /// </summary>
    [Fact]
    public async Task Rebuilds_into_a_new_generation_and_swaps_it_in_while_reads_and_writes_go_on()
    {
        var store = await OpenStoreAsync();
        var expected = await AppendTalliesAsync(store, streams: 5, perStream: 40);
        var rules = new TallyRules();
        var host = await StartAsync(store, NewProjection(rules));
        var all = await ReadEverythingAsync(store);
        await host.WaitForPositionAsync(all[^1].Position).WaitAsync(Patience);
        Assert.Equal(1, host.Generation);

        using var stop = new CancellationTokenSource();
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                var tallies = await ReadTalliesAsync(host);
                Assert.Equal(5, tallies.Count(t => t.Key.StartsWith("tally-", StringComparison.Ordinal) && t.Key.Length == 7));
                reads++;
                await Task.Delay(5);
            }
        });
        var writerStore = await OpenStoreAsync();
        var written = new Dictionary<string, long>();
        var writer = Task.Run(async () =>
        {
            for (var round = 0; !stop.IsCancellationRequested && round < 200; round++)
            {
                Merge(written, await AppendTalliesAsync(writerStore, streams: 1, perStream: 1, prefix: "tally-late"));
                await Task.Delay(10);
            }
        });

        rules.Multiplier = 10;
        await host.RebuildAsync().WaitAsync(Patience);
        await Task.Delay(200);
        await stop.CancelAsync();
        await Task.WhenAll(reader, writer);

        Merge(expected, written);
        all = await ReadEverythingAsync(store);
        await host.WaitForPositionAsync(all[^1].Position).WaitAsync(Patience);
        Assert.Equal(2, host.Generation);
        Assert.True(reads > 0, "the reader never read during the rebuild");
        Assert.Equal(expected.ToDictionary(t => t.Key, t => t.Value * 10), await ReadTalliesAsync(host));
    }

    /// <summary>A rebuild that fails leaves the current generation serving reads and following new events.</summary>
    [Fact]
    public async Task A_failed_rebuild_leaves_the_current_generation_live()
    {
        var (store, expected, _, host, _) = await AfterAFailedRebuildAsync();

        Assert.Equal(1, host.Generation);
        Merge(expected, await AppendTalliesAsync(store, streams: 3, perStream: 2));

        // Not "wait for the last position read": on PostgreSQL a read stops below any transaction still open in the
        // cluster, so the events just appended may not be in it yet.
        await WaitForAsync(
            async () =>
            {
                var tallies = await ReadTalliesAsync(host);
                return tallies.Count == expected.Count && expected.All(t => tallies.GetValueOrDefault(t.Key) == t.Value);
            },
            "the current generation to follow the new events");
        Assert.Equal(1, host.Generation);
        Assert.Equal(expected, await ReadTalliesAsync(host));
    }

    /// <summary>
    /// A rebuild after a failed one does not resume the failed generation (whose read model holds what it applied before
    /// failing, which a replay would count twice): it builds a generation of its own, and every event counts once.
    /// </summary>
    [Fact]
    public async Task A_rebuild_after_a_failed_one_counts_every_event_once()
    {
        var (_, expected, rules, host, last) = await AfterAFailedRebuildAsync();

        rules.Multiplier = 10;
        await host.RebuildAsync().WaitAsync(Patience);
        await host.WaitForPositionAsync(last).WaitAsync(Patience);

        Assert.Equal(3, host.Generation);
        Assert.Equal(expected.ToDictionary(t => t.Key, t => t.Value * 10), await ReadTalliesAsync(host));
    }

    // Three tally streams projected into generation 1, then a rebuild that fails at the 13th event.
    private async Task<(IEventStore Store, Dictionary<string, long> Expected, TallyRules Rules, ProjectionHost Host, long Last)> AfterAFailedRebuildAsync()
    {
        var store = await OpenStoreAsync();
        var expected = await AppendTalliesAsync(store, streams: 3, perStream: 10);
        var rules = new TallyRules();
        var host = await StartAsync(store, NewProjection(rules));
        var all = await ReadEverythingAsync(store);
        await host.WaitForPositionAsync(all[^1].Position).WaitAsync(Patience);
        rules.FailOnceAt(all[12].Position);
        await Assert.ThrowsAsync<InvalidOperationException>(() => host.RebuildAsync());
        return (store, expected, rules, host, all[^1].Position);
    }

    /// <summary>The read model the projection serves: here the in-memory tallies of the host's current generation.</summary>
    protected virtual Task<Dictionary<string, long>> ReadTalliesAsync(ProjectionHost host) =>
        Task.FromResult(new Dictionary<string, long>(_memory.Read(host.Generation)));

    /// <summary>
    /// A new instance of the suite's projection (another "process" of it) that counts as <paramref name="rules"/> say:
    /// here a <see cref="TallyProjection"/> on the test's in-memory tallies.
    /// </summary>
    protected virtual Projection NewProjection(TallyRules rules) => new TallyProjection(_memory, rules);

    /// <summary>A new instance of the suite's projection with rules of its own.</summary>
    protected Projection NewProjection() => NewProjection(new TallyRules());

    /// <summary>Starts a host for <paramref name="projection"/> on <paramref name="store"/>; disposed with the test.</summary>
    protected async Task<ProjectionHost> StartAsync(IEventStore store, Projection projection)
    {
        var host = Track(new ProjectionHost(store, Checkpoints(store), Types, projection, Fast));
        await host.StartAsync();
        return host;
    }

    /// <summary>
    /// Appends <paramref name="perStream"/> rounds of a random <see cref="Counted"/> to each of <paramref name="streams"/>
    /// streams <c>{prefix}-{n}</c>; the amounts per stream.
    /// </summary>
    protected static async Task<Dictionary<string, long>> AppendTalliesAsync(IEventStoreWriter store, int streams, int perStream, string prefix = "tally")
    {
        var expected = new Dictionary<string, long>();
        for (var round = 0; round < perStream; round++)
        {
            for (var stream = 0; stream < streams; stream++)
            {
                var id = $"{prefix}-{stream}";
                var amount = Random.Shared.Next(1, 100);
                await store.AppendAsync(id, ExpectedVersion.Any, [Types.ToEventData(new Counted(amount))]);
                expected[id] = expected.GetValueOrDefault(id) + amount;
            }
        }

        return expected;
    }

    private static void Merge(Dictionary<string, long> into, Dictionary<string, long> more)
    {
        foreach (var (id, value) in more)
        {
            into[id] = into.GetValueOrDefault(id) + value;
        }
    }
}
