namespace Switchboard.Persistence;

/// <summary>
/// A message store with a database, whose units of work take the handler's own SQL (<see cref="ISqlStoreTransaction"/>).
/// Registered with <see cref="Configuration.SwitchboardBuilder.UseSqlStore"/>, it lets handlers of transactional
/// endpoints take <see cref="ISqlUnitOfWork"/>.
/// </summary>
public interface ISqlMessageStore : IMessageStore
{
    /// <summary>Begins the unit of work of one handling attempt. Its database transaction opens lazily, on first use.</summary>
    new ValueTask<ISqlStoreTransaction> BeginAsync(CancellationToken cancellationToken = default);

    async ValueTask<IStoreTransaction> IMessageStore.BeginAsync(CancellationToken cancellationToken) =>
        await BeginAsync(cancellationToken).ConfigureAwait(false);
}
