using Switchboard.Persistence;

namespace Switchboard.Testing.EventStores;

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
            await unit.GetDbTransactionAsync().ConfigureAwait(false);
        }

        return unit;
    }

    /// <summary>Commits a unit of work; <see cref="UnitOfWorkMode.LiveAtCommit"/> opens its database transaction first.</summary>
    public static async Task CommitAsync(IStoreTransaction unit, UnitOfWorkMode mode)
    {
        ArgumentNullException.ThrowIfNull(unit);
        if (mode == UnitOfWorkMode.LiveAtCommit)
        {
            await unit.GetDbTransactionAsync().ConfigureAwait(false);
        }

        await unit.CommitAsync().ConfigureAwait(false);
    }
}
