using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Writing;

/// <summary>Inserts a message into one queue; fails with <see cref="UnroutableMessageException"/> when the queue does not exist.</summary>
internal sealed class SendOperation(string queue, Envelope envelope, long visibleAt) : WriteOperation<bool>
{
    public override void Execute(WriteBatch batch)
    {
        if (!batch.Messages.Send(queue, visibleAt, envelope))
        {
            throw new UnroutableMessageException($"Queue '{queue}' does not exist; no endpoint declared it.");
        }
    }
}
