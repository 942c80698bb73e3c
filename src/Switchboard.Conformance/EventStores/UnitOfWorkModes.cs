using Switchboard.Persistence;

namespace Switchboard.Conformance.EventStores;

/// <summary>Units of work driven in a <see cref="UnitOfWorkMode"/>.</summary>
public static class UnitOfWorkModes
{
    /// <summary>Begins a unit of work; <see cref="UnitOfWorkMode.Live"/> opens its database transaction at once.</summary>
    public static async Task<IStoreTransaction> BeginAsync(IMessageStore store, UnitOfWorkMode mode)
    {
        ArgumentNullException.ThrowIfNull(store);
        var unit = await store.BeginAsync().ConfigureAwait(false);
        if (mode == UnitOfWorkMode.Live)
        {
            await OpenDatabaseTransactionAsync(unit).ConfigureAwait(false);
        }

        return unit;
    }

    /// <summary>What a unit of work does just before its commit: <see cref="UnitOfWorkMode.LiveAtCommit"/> opens its database transaction.</summary>
    public static async Task BeforeCommitAsync(IStoreTransaction unit, UnitOfWorkMode mode)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (mode == UnitOfWorkMode.LiveAtCommit)
        {
            await OpenDatabaseTransactionAsync(unit).ConfigureAwait(false);
        }
    }

    /// <summary>Commits a unit of work; <see cref="UnitOfWorkMode.LiveAtCommit"/> opens its database transaction first.</summary>
    public static async Task CommitAsync(IStoreTransaction unit, UnitOfWorkMode mode)
    {
        await BeforeCommitAsync(unit, mode).ConfigureAwait(false);
        await unit.CommitAsync().ConfigureAwait(false);
    }

    // The live modes exist only for stores with a database (EnlistmentSqlSuite), whose units are SQL units.
    private static async Task OpenDatabaseTransactionAsync(IStoreTransaction unit) =>
        await (unit as ISqlStoreTransaction ?? throw new InvalidOperationException("A live unit of work needs a store with a database."))
            .GetDbTransactionAsync().ConfigureAwait(false);
}
