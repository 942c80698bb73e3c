using Switchboard.Messages;

namespace Switchboard.Sqlite.Writing;

/// <summary>Inserts one copy of a message per queue subscribed to the topic, in the batch's one transaction.</summary>
internal sealed class PublishOperation(string topic, Envelope envelope, long visibleAt) : WriteOperation<bool>
{
    public override void Execute(WriteBatch batch) => batch.Messages.Publish(topic, visibleAt, envelope);
}
