namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>Writes each successful handling into the ledger, tagged with the instance that ran it; a poison message fails first.</summary>
public sealed class KeyedStepHandler(HandOverLedger ledger, InstanceName instance) : IMessageHandler<KeyedStep>
{
    public ValueTask HandleAsync(KeyedStep message, IMessageContext context, CancellationToken cancellationToken)
    {
        if (message.Poison && ledger.Poisoned)
        {
            throw new InvalidOperationException($"Poison message of key {message.Key}.");
        }

        ledger.Record(new KeyedHandling(instance.Value, message.Key, message.Number));
        return ValueTask.CompletedTask;
    }
}
