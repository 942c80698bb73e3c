using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Projections;
using Xunit;

namespace Switchboard.Conformance.EventSourcing;

/// <summary>
/// Projections on an event store with a database (<see cref="ISqlEventStore"/>, <see cref="ITestDatabase"/>):
/// <see cref="ProjectionSuite{TFactory}"/>'s tests on a <see cref="SqlProjection"/>'s read model in the store's tables
/// (read through the view <c>tallies</c> over the current generation's table), and what only a transactional read
/// model can do: a batch that fails halfway leaves none of its rows. A store without a database derives
/// <see cref="ProjectionSuite{TFactory}"/> only.
/// </summary>
public abstract class ProjectionSqlSuite<TFactory> : ProjectionSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    /// <summary>The test store's database, where the projection keeps its tables.</summary>
    protected ITestDatabase Database => TestDatabases.Of(Scope, typeof(TFactory));

    /// <summary>
    /// A batch that fails after writing part of its changes rolls back with its checkpoint, and is then applied once:
    /// the table holds every amount exactly once.
    /// </summary>
    [Fact]
    public async Task A_failed_batch_is_rolled_back_with_its_checkpoint_and_applied_once()
    {
        var store = await OpenStoreAsync();
        var expected = await AppendTalliesAsync(store, streams: 3, perStream: 20);
        var all = await ReadEverythingAsync(store);
        var rules = new TallyRules();
        rules.FailOnceAt(all[30].Position);

        var host = await StartAsync(store, NewProjection(rules));
        await host.WaitForPositionAsync(all[^1].Position).WaitAsync(Patience);

        Assert.Equal(1, rules.Failures);
        Assert.Equal(expected, await ReadTalliesAsync(host));
    }

    /// <summary>The suite's projection in tables: a <see cref="SqlTallyProjection"/>.</summary>
    protected override Projection NewProjection(TallyRules rules) => new SqlTallyProjection(rules);

    /// <summary>The read model readers query: the view <c>tallies</c>, read outside any transaction.</summary>
    protected override async Task<Dictionary<string, long>> ReadTalliesAsync(ProjectionHost host) =>
        new(await Database.ReadTestTableAsync("tallies"));
}
