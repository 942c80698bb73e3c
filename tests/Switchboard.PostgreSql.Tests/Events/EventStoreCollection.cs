namespace Switchboard.PostgreSql.Tests.Events;

/// <summary>
/// The event store's tests run one at a time, after the assembly's other tests: readers of all events stop below the
/// oldest transaction running anywhere in the cluster, so other tests' transactions would delay what a test reads.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EventStoreCollection
{
    public const string Name = "event store";
}
