namespace Switchboard.Persistence;

/// <summary>
/// A delivery whose acknowledgement can be part of a unit of work: its transport keeps its queues in the store's
/// database (the SQLite transport and store in one file), so removing the message commits with the handler's effects,
/// and a crash can leave neither a committed unit whose message is delivered again nor an acknowledged message whose
/// effects are lost. The transaction step enlists it; other transports' deliveries do not implement it.
/// </summary>
public interface IEnlistableCompletion
{
    /// <summary>Adds the removal of this message to <paramref name="transaction"/>'s commit; false when that store is in another database.</summary>
    bool TryEnlistCompletion(IStoreTransaction transaction);

    /// <summary>The unit of work with the enlisted removal committed: the delivery is settled, and a later settlement does nothing.</summary>
    void CompletedByCommit();
}
