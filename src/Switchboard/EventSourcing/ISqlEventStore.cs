namespace Switchboard.EventSourcing;

/// <summary>
/// An event store in a SQL database whose transactions take the caller's SQL (<see cref="ISqlEventStoreTransaction"/>):
/// what read models in tables (<see cref="Projections.SqlProjection"/>) need to commit their rows with their
/// checkpoint. A store without SQL does not implement it.
/// </summary>
public interface ISqlEventStore : IEventStore
{
    /// <summary>
    /// Begins a transaction as <see cref="IEventStore.BeginTransactionAsync"/> does, with its connection and database
    /// transaction for the caller's SQL. <see cref="IEventStore.BeginTransactionAsync"/> begins the same kind.
    /// </summary>
    new ValueTask<ISqlEventStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default);

    /// <inheritdoc />
    async ValueTask<IEventStoreTransaction> IEventStore.BeginTransactionAsync(CancellationToken cancellationToken) =>
        await BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
}
