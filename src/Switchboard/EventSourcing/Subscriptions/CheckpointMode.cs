namespace Switchboard.EventSourcing.Subscriptions;

/// <summary>How a subscription keeps its checkpoint, which decides how often a handler may see an event.</summary>
public enum CheckpointMode
{
    /// <summary>
    /// Saved on its own after handled batches, at most every <see cref="SubscriptionOptions.CheckpointInterval"/>, when
    /// the subscription goes idle and when it stops: at least once. After a crash the events since the last save are
    /// handled again, so the handler must be idempotent (a bus consumer's inbox is, for forwarded events).
    /// </summary>
    AfterBatch,

    /// <summary>
    /// Saved inside the store transaction the batch is handled in (<see cref="EventBatch.Transaction"/>): the handler's
    /// own writes through that transaction and the checkpoint commit together, so each event is applied exactly once.
    /// </summary>
    InTransaction,
}
