namespace Switchboard.EventSourcing.Projections;

/// <summary>
/// What a projection works with while it applies a batch: the generation it builds and the store transaction its
/// checkpoint commits in. A <see cref="SqlProjection"/> gets a <see cref="SqlProjectionContext"/>, with the SQL.
/// </summary>
public class ProjectionContext
{
    internal ProjectionContext(long generation, IEventStoreTransaction transaction)
    {
        Generation = generation;
        StoreTransaction = transaction;
    }

    /// <summary>
    /// Which build of the read model this is: 1 at first, one more per rebuild. A projection that keeps its read model
    /// itself (in memory, say) keeps one per generation and serves the current one (<see cref="ProjectionHost.Generation"/>).
    /// </summary>
    public long Generation { get; }

    /// <summary>The store transaction: its checkpoint commits with everything done through it.</summary>
    public IEventStoreTransaction StoreTransaction { get; }
}
