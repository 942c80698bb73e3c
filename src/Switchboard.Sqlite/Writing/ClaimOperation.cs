using Switchboard.Messages;

namespace Switchboard.Sqlite.Writing;

/// <summary>A message claimed under a lease.</summary>
internal readonly record struct ClaimedMessage(long Seq, int DeliveryCount, Envelope Envelope);

/// <summary>The messages claimed, or when none was ready, when the next one becomes visible.</summary>
internal sealed record ClaimResult(List<ClaimedMessage> Messages, long Lease, long? NextVisibleAt);

/// <summary>
/// Claims up to <c>limit</c> visible messages of the receiver's queue under a new lease, into <c>limit</c> slots of
/// room the receiver took for it. The claimed messages go into the receiver's buffer on the writer's thread right
/// after the commit, in the order of the batch's operations (<see cref="SqliteWriter"/> delivers each operation's
/// hand-offs after it): a message handed off later cannot overtake them. The room the claim did not fill, or all of
/// it when the claim fails, is given back then too. On an ordered queue a row is claimed only when its key lets it go
/// (<see cref="OrderedRows"/>), by rows and, when those cannot be enough, by keys (<see cref="OrderedClaim"/>).
/// </summary>
internal sealed class ClaimOperation(SqliteReceiver receiver, int limit, TimeSpan leaseDuration) : WriteOperation<ClaimResult>
{
    private const string Sql = $"""
        UPDATE sb_messages SET visible_at = ?1, delivery_count = delivery_count + 1, lease = ?2
        WHERE seq IN (SELECT seq FROM sb_messages WHERE queue = ?3 AND visible_at <= ?4 ORDER BY visible_at, seq LIMIT ?5)
        RETURNING seq, delivery_count, {SqliteSchema.EnvelopeColumnList}
        """;

    private int _roomReturned;

    public override void Execute(WriteBatch batch)
    {
        var queue = receiver.Queue;
        var lease = Random.Shared.NextInt64(1, long.MaxValue);
        var messages = new List<ClaimedMessage>();
        var ordered = batch.Ordered.Contains(queue);
        if (!ordered)
        {
            Claim(batch, batch.Raw(Sql), lease, limit, messages);
        }
        else
        {
            var window = limit * OrderedClaim.WindowPerMessage;
            Claim(batch, batch.Raw(OrderedClaim.ByRows).Bind(6, window), lease, limit, messages);
            if (messages.Count < limit && messages.Count + VisibleUpTo(batch, queue, window) >= window)
            {
                Claim(batch, batch.Raw(OrderedClaim.ByKeys), lease, limit - messages.Count, messages);
            }
        }

        if (messages.Count < limit && !ordered)
        {
            batch.Messages.Drained(queue);
        }

        long? next = null;
        if (messages.Count == 0)
        {
            var nextCommand = batch.Statements.NextVisible;
            nextCommand.Parameters[0].Value = queue;
            nextCommand.Parameters[1].Value = batch.Now;
            next = nextCommand.ExecuteScalar() is long at ? at : null;
        }
        else if (messages.Count > 1)
        {
            messages.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        }

        Result = new ClaimResult(messages, lease, next);
    }

    // Raw: a data reader per claim, and a new string per row for types that repeat, cost the writer's thread.
    private void Claim(WriteBatch batch, RawStatement statement, long lease, int count, List<ClaimedMessage> messages) =>
        statement
            .Bind(1, batch.Now + (long)leaseDuration.TotalMilliseconds).Bind(2, lease).Bind(3, receiver.Queue).Bind(4, batch.Now).Bind(5, count)
            .ForEachRow(messages, static (row, claimed) => claimed.Add(new ClaimedMessage(
                row.Int64(0),
                (int)row.Int64(1),
                EnvelopeColumns.Read(row, 2, claimed.Count == 0 ? null : claimed[^1].Envelope))));

    private static long VisibleUpTo(WriteBatch batch, string queue, int window)
    {
        var visible = new long[1];
        batch.Raw(OrderedClaim.VisibleUpToWindow).Bind(1, queue).Bind(2, batch.Now).Bind(3, window)
            .ForEachRow(visible, static (row, count) => count[0] = row.Int64(0));
        return visible[0];
    }

    public override void Succeed()
    {
        foreach (var message in Result.Messages)
        {
            receiver.Deliver(message, Result.Lease);
        }

        ReturnRoom(limit - Result.Messages.Count);
        base.Succeed();
    }

    public override void Fail(Exception error)
    {
        ReturnRoom(limit);
        base.Fail(error);
    }

    /// <summary>Gives back all the room unless the writer did (for a claim that never reached it: its queue was closed).</summary>
    public void ReturnRoomUnclaimed() => ReturnRoom(limit);

    private void ReturnRoom(int count)
    {
        if (Interlocked.Exchange(ref _roomReturned, 1) == 0 && count > 0)
        {
            receiver.Unreserve(count);
        }
    }
}
