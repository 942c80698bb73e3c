using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Sqlite.Writing;
using Switchboard.Transport;

namespace Switchboard.Sqlite;

/// <summary>
/// One claimed message. Settling queues the change for the writer and returns: like a broker's ack it is not
/// awaited to disk, and if the process dies first the lease expires and the message is delivered again.
/// </summary>
internal sealed class SqliteDelivery(SqliteReceiver receiver, string queue, ClaimedMessage claimed, long lease) : IncomingMessage, IEnlistableCompletion
{
    private int _settled;

    public long Seq => claimed.Seq;

    public long Lease => lease;

    public override Envelope Envelope => claimed.Envelope;

    public override int DeliveryCount => claimed.DeliveryCount;

    public override string Queue => queue;

    public bool TryClaim() => Interlocked.Exchange(ref _settled, 1) == 0;

    public override ValueTask CompleteAsync(CancellationToken cancellationToken = default) =>
        Settle(SettleOperation.Complete(queue, claimed.Seq, lease), cancellationToken);

    public override ValueTask AbandonAsync(CancellationToken cancellationToken = default) =>
        Settle(SettleOperation.Abandon(queue, claimed.Seq, lease, UnixMilliseconds.Now()), cancellationToken);

    public override ValueTask DeferAsync(TimeSpan delay, Envelope envelope, CancellationToken cancellationToken = default) =>
        Settle(SettleOperation.Defer(queue, claimed.Seq, lease, UnixMilliseconds.DueAt(DateTimeOffset.UtcNow + delay), envelope), cancellationToken);

    public override ValueTask DeadLetterAsync(DeadLetterReason reason, CancellationToken cancellationToken = default)
    {
        var at = DateTimeOffset.UtcNow;
        return Settle(SettleOperation.DeadLetter(queue, claimed.Seq, lease, at.ToUnixTimeMilliseconds(), reason.Stamp(claimed.Envelope, queue, at)), cancellationToken);
    }

    /// <summary>
    /// Joins the removal to a unit of work of the store in this file; it checks the lease like <see cref="CompleteAsync"/>,
    /// and removes nothing when the lease expired and another consumer claimed the message (whose inbox then finds it handled).
    /// </summary>
    public bool TryEnlistCompletion(IStoreTransaction transaction)
    {
        if (Volatile.Read(ref _settled) != 0 || transaction is not Store.SqliteStoreTransaction unit || !unit.WritesThrough(receiver.Writer))
        {
            return false;
        }

        unit.EnlistCompletion(queue, claimed.Seq, lease);
        return true;
    }

    public void CompletedByCommit()
    {
        if (TryClaim())
        {
            receiver.Settled(this);
        }
    }

    private ValueTask Settle(SettleOperation operation, CancellationToken cancellationToken) =>
        TryClaim() ? receiver.SettleAsync(this, operation, cancellationToken) : ValueTask.CompletedTask;
}
