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
/// it when the claim fails, is given back then too.
/// </summary>
internal sealed class ClaimOperation(SqliteReceiver receiver, int limit, TimeSpan leaseDuration) : WriteOperation<ClaimResult>
{
    private int _roomReturned;

    public override void Execute(WriteBatch batch)
    {
        var queue = receiver.Queue;
        var lease = Random.Shared.NextInt64(1, long.MaxValue);
        var command = batch.Statements.Claim;
        command.Parameters[0].Value = batch.Now + (long)leaseDuration.TotalMilliseconds;
        command.Parameters[1].Value = lease;
        command.Parameters[2].Value = queue;
        command.Parameters[3].Value = batch.Now;
        command.Parameters[4].Value = limit;
        var messages = new List<ClaimedMessage>();
        using (var reader = command.ExecuteReader())
        {
            while (reader.Read())
            {
                messages.Add(new ClaimedMessage(reader.GetInt64(0), reader.GetInt32(1), EnvelopeColumns.Read(reader, 2)));
            }
        }

        if (messages.Count < limit)
        {
            batch.Messages.Drained(queue);
        }

        long? next = null;
        if (messages.Count == 0)
        {
            var nextCommand = batch.Statements.NextVisible;
            nextCommand.Parameters[0].Value = queue;
            next = nextCommand.ExecuteScalar() is long at ? at : null;
        }
        else if (messages.Count > 1)
        {
            messages.Sort(static (a, b) => a.Seq.CompareTo(b.Seq));
        }

        Result = new ClaimResult(messages, lease, next);
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
