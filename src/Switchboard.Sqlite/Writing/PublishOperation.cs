using Switchboard.Messages;

namespace Switchboard.Sqlite.Writing;

/// <summary>Inserts one copy of a message per queue subscribed to the topic, in the batch's one transaction.</summary>
internal sealed class PublishOperation(string topic, Envelope envelope, long visibleAt) : WriteOperation<bool>
{
    public override void Execute(WriteBatch batch)
    {
        var command = batch.Statements.Publish;
        command.Parameters[0].Value = topic;
        command.Parameters[1].Value = visibleAt;
        EnvelopeColumns.Bind(command.Parameters, 2, envelope);
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            if (visibleAt <= batch.Now)
            {
                batch.MessagesBecameVisible(reader.GetString(0));
            }
        }
    }
}
