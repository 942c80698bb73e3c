using global::RabbitMQ.Client;
using Switchboard.RabbitMQ.Topology;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ;

/// <summary>
/// The dead-letter API over the <c>{queue}.dlq</c> queues. Reading uses <c>basic.get</c> on a channel of its own
/// without acknowledging; closing the channel puts every message back where it was (they are classic queues, so
/// order is kept). A dead letter's id is its message id.
/// </summary>
internal sealed class RabbitMqDeadLetterQueue(IConnection connection, AmqpPublisher publisher) : IDeadLetterQueue
{
    public async ValueTask<IReadOnlyList<DeadLetter>> ListAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var letters = new List<DeadLetter>();
        for (var i = 0; i < skip + take; i++)
        {
            var got = await NextAsync(channel, queue, cancellationToken).ConfigureAwait(false);
            if (got is null)
            {
                break;
            }

            if (i >= skip)
            {
                letters.Add(got.Value.Letter);
            }
        }

        return letters;
    }

    public async ValueTask<DeadLetter?> GetAsync(string queue, string id, CancellationToken cancellationToken = default)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return (await FindAsync(channel, queue, id, cancellationToken).ConfigureAwait(false))?.Letter;
    }

    public async ValueTask<long> CountAsync(string queue, CancellationToken cancellationToken = default)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return (await channel.QueueDeclarePassiveAsync(RabbitMqTransport.DeadLetterQueueOf(queue), cancellationToken).ConfigureAwait(false)).MessageCount;
    }

    public async ValueTask<bool> RedriveAsync(string queue, string id, CancellationToken cancellationToken = default)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (await FindAsync(channel, queue, id, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return false;
        }

        await RedriveOneAsync(channel, queue, found, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<int> RedriveAllAsync(string queue, CancellationToken cancellationToken = default)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var count = 0;
        while (await NextSettledAsync(channel, queue, cancellationToken).ConfigureAwait(false) is { } next)
        {
            await RedriveOneAsync(channel, queue, next, cancellationToken).ConfigureAwait(false);
            count++;
        }

        return count;
    }

    public async ValueTask<bool> DeleteAsync(string queue, string id, CancellationToken cancellationToken = default)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        if (await FindAsync(channel, queue, id, cancellationToken).ConfigureAwait(false) is not { } found)
        {
            return false;
        }

        await channel.BasicAckAsync(found.Tag, multiple: false, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<int> PurgeAsync(string queue, CancellationToken cancellationToken = default)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return (int)await channel.QueuePurgeAsync(RabbitMqTransport.DeadLetterQueueOf(queue), cancellationToken).ConfigureAwait(false);
    }

    // Published (and confirmed) to the endpoint's queue, through its own exchange, before the dead letter is acknowledged: never lost.
    private async Task RedriveOneAsync(IChannel channel, string queue, (DeadLetter Letter, ulong Tag) found, CancellationToken cancellationToken)
    {
        await publisher.PublishAsync(RabbitMqTopology.SendExchange(queue), "", DeadLetterEnvelope.ForRedrive(found.Letter.Envelope), mandatory: true, cancellationToken).ConfigureAwait(false);
        await channel.BasicAckAsync(found.Tag, multiple: false, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<(DeadLetter Letter, ulong Tag)?> FindAsync(IChannel channel, string queue, string id, CancellationToken cancellationToken)
    {
        while (await NextSettledAsync(channel, queue, cancellationToken).ConfigureAwait(false) is { } next)
        {
            if (next.Letter.Id == id)
            {
                return next;
            }
        }

        return null;
    }

    // A listing returns what it read by closing its channel, and the broker puts those messages back a moment after the
    // close completes: a re-drive or delete right after a listing (the console's list, then its button) could find the
    // queue empty and answer "none". So an empty answer is believed only after the broker had that moment.
    private static async Task<(DeadLetter Letter, ulong Tag)?> NextSettledAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        foreach (var pause in RequeuePauses)
        {
            if (await NextAsync(channel, queue, cancellationToken).ConfigureAwait(false) is { } next)
            {
                return next;
            }

            await Task.Delay(pause, cancellationToken).ConfigureAwait(false);
        }

        return await NextAsync(channel, queue, cancellationToken).ConfigureAwait(false);
    }

    private static readonly TimeSpan[] RequeuePauses = [TimeSpan.FromMilliseconds(25), TimeSpan.FromMilliseconds(75), TimeSpan.FromMilliseconds(150)];

    private static async Task<(DeadLetter Letter, ulong Tag)?> NextAsync(IChannel channel, string queue, CancellationToken cancellationToken)
    {
        var got = await channel.BasicGetAsync(RabbitMqTransport.DeadLetterQueueOf(queue), autoAck: false, cancellationToken).ConfigureAwait(false);
        if (got is null)
        {
            return null;
        }

        var envelope = AmqpEnvelope.FromDelivery(got.BasicProperties, got.Body.ToArray());
        return (new DeadLetter(envelope.MessageId, queue, envelope), got.DeliveryTag);
    }
}
