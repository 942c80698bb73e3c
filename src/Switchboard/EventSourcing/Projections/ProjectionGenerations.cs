namespace Switchboard.EventSourcing.Projections;

/// <summary>
/// What a <see cref="ProjectionHost"/> does with a projection's read model per generation: the context its handlers
/// get, and creating a generation, pointing readers at it and dropping it. This one is for a read model the projection
/// keeps itself, which has nothing to create, point or drop; <see cref="ProjectionViews"/> keeps tables and views.
/// </summary>
internal class ProjectionGenerations
{
    /// <summary>The context of the projection's handlers in <paramref name="generation"/>.</summary>
    public virtual ProjectionContext Context(long generation, IEventStoreTransaction transaction) => new(generation, transaction);

    /// <summary>Creates the read model of <paramref name="generation"/> (at every start, and before a rebuild fills it).</summary>
    public virtual ValueTask CreateAsync(long generation, IEventStoreTransaction transaction, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Makes <paramref name="generation"/> the one readers read.</summary>
    public virtual ValueTask PointAtAsync(long generation, IEventStoreTransaction transaction, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    /// <summary>Drops the read model of <paramref name="generation"/>, if there is one.</summary>
    public virtual ValueTask DropAsync(long generation, IEventStoreTransaction transaction, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}
