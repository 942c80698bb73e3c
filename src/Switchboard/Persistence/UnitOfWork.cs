using Switchboard.Messages;

namespace Switchboard.Persistence;

/// <summary>
/// The scoped <see cref="IUnitOfWork"/>: the transaction step attaches the store transaction of each attempt, and the
/// participants that joined it (<see cref="IUnitOfWorkParticipant"/>) write into it before the commit.
/// </summary>
internal sealed class UnitOfWork : IUnitOfWork
{
    private readonly List<IUnitOfWorkParticipant> _participants = [];
    private IStoreTransaction? _transaction;

    public IStoreTransaction Transaction => _transaction
        ?? throw new InvalidOperationException("There is no unit of work: the endpoint is not transactional (call Transactional() on it) or no message is being handled.");

    /// <summary>Makes <paramref name="participant"/> part of the current attempt (once).</summary>
    /// <exception cref="InvalidOperationException">No message is being handled in a unit of work.</exception>
    internal void Join(IUnitOfWorkParticipant participant)
    {
        _ = Transaction;
        if (!_participants.Contains(participant))
        {
            _participants.Add(participant);
        }
    }

    /// <summary>Starts an attempt on <paramref name="transaction"/>; what a previous attempt's participants held is forgotten.</summary>
    internal void Attach(IStoreTransaction transaction)
    {
        foreach (var participant in _participants)
        {
            participant.Discard();
        }

        _participants.Clear();
        _transaction = transaction;
    }

    /// <summary>Ends the attempt's use of its transaction (the participants stay until <see cref="CommittedAsync"/> or the next attempt).</summary>
    internal void Detach() => _transaction = null;

    /// <summary>Lets the participants enlist what they hold.</summary>
    internal async ValueTask PrepareCommitAsync(Envelope envelope, CancellationToken cancellationToken)
    {
        foreach (var participant in _participants)
        {
            await participant.BeforeCommitAsync(Transaction, envelope, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Tells the participants the attempt committed.</summary>
    internal async ValueTask CommittedAsync(CancellationToken cancellationToken)
    {
        foreach (var participant in _participants)
        {
            await participant.AfterCommitAsync(cancellationToken).ConfigureAwait(false);
        }

        _participants.Clear();
    }
}
