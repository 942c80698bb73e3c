using Switchboard.Messages;

namespace Switchboard.Sqlite.Writing;

/// <summary>A message claimed under a lease.</summary>
internal readonly record struct ClaimedMessage(long Seq, int DeliveryCount, Envelope Envelope);

/// <summary>The messages claimed, or when none was ready, when the next one becomes visible.</summary>
internal sealed record ClaimResult(List<ClaimedMessage> Messages, long Lease, long? NextVisibleAt);

/// <summary>Claims up to <c>limit</c> visible messages of a queue under a new lease.</summary>
internal sealed class ClaimOperation(string queue, int limit, TimeSpan leaseDuration) : WriteOperation<ClaimResult>
{
    public override void Execute(WriteBatch batch)
    {
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
}
