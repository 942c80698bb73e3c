using Switchboard.Messages;

namespace Switchboard.Persistence;

/// <summary>
/// Something a handler's scope adds to the unit of work besides the store's own participants (inbox, sagas, outbox,
/// the handler's SQL): it holds its changes while the handlers run and writes them into the store transaction just
/// before the commit (<see cref="EventSourcing.IEventSession"/>'s appends).
/// </summary>
internal interface IUnitOfWorkParticipant
{
    /// <summary>Enlists what it holds in <paramref name="transaction"/>; <paramref name="envelope"/> is the message being handled.</summary>
    ValueTask BeforeCommitAsync(IStoreTransaction transaction, Envelope envelope, CancellationToken cancellationToken);

    /// <summary>The unit committed: what it held is now stored (follow-up work that may fail without harm, e.g. snapshots).</summary>
    ValueTask AfterCommitAsync(CancellationToken cancellationToken);

    /// <summary>The unit rolled back (a lost race reruns the handlers on fresh state): forget what it held.</summary>
    void Discard();
}
