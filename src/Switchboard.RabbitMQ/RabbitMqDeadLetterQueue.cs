using global::RabbitMQ.Client;
using Microsoft.Extensions.Logging;
using Switchboard.RabbitMQ.Ordering;
using Switchboard.RabbitMQ.Topology;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ;

/// <summary>
/// The dead-letter API over the <c>{queue}.dlq</c> queues. Reading uses <c>basic.get</c> on a channel of its own
/// without acknowledging; closing the channel puts every message back where it was (they are classic queues, so
/// order is kept). A dead letter's id is its message id.
/// </summary>
/// <remarks>
/// On an ordered endpoint (its order exchange exists, <see cref="OrderedQueues"/>) a keyed dead letter parks its key,
/// and the partition's consumer holds the key's later messages until the dead letter comes back. A re-drive is sent
/// as on any queue (the consumer knows the parked head by its message id); a delete, or a purge, first sends the key
/// a skip (<see cref="OrderingSkip"/>) through the endpoint's send exchange, confirmed, so that the consumer lets the
/// key's later messages go on without it.
/// </remarks>
internal sealed class RabbitMqDeadLetterQueue(IConnection connection, AmqpPublisher publisher, ILogger? logger = null, OrderedQueues? orderedQueues = null) : IDeadLetterQueue
{
    // How many dead letters a purge of an ordered queue takes before it publishes their skips together.
    private const int PurgeBatch = 100;

    private readonly OrderedQueues _ordered = orderedQueues ?? new(connection);

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

        // The skip first: if it fails, the dead letter stays (the channel's close gives it back) and nothing was skipped.
        if (found.Letter.OrderingKey is { Length: > 0 } key && await _ordered.IsOrderedAsync(queue, cancellationToken).ConfigureAwait(false))
        {
            await SkipAsync(queue, key, found.Letter, cancellationToken).ConfigureAwait(false);
        }

        await channel.BasicAckAsync(found.Tag, multiple: false, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async ValueTask<int> PurgeAsync(string queue, CancellationToken cancellationToken = default)
    {
        if (await _ordered.IsOrderedAsync(queue, cancellationToken).ConfigureAwait(false))
        {
            return await PurgeOrderedAsync(queue, cancellationToken).ConfigureAwait(false);
        }

        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        return (int)await channel.QueuePurgeAsync(RabbitMqTransport.DeadLetterQueueOf(queue), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The keys of an ordered queue that a dead letter parks, oldest first, from its parking log (keys being drained
    /// are not parked any more), each with how many of its messages wait in its parked queue. None for a queue that is
    /// not ordered. <c>RabbitMqTransport</c> answers <see cref="IOrderedTransport.ListParkedKeysAsync"/> with it.
    /// </summary>
    internal async ValueTask<IReadOnlyList<ParkedKey>> ListParkedKeysAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default)
    {
        if (!await _ordered.IsOrderedAsync(queue, cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        var states = await new ParkingLog(connection, publisher, queue, logger).ReadAsync(cancellationToken).ConfigureAwait(false);
        var waiting = new ParkedMessages(connection, publisher, queue);
        var keys = new List<ParkedKey>();
        foreach (var state in states.Where(s => !s.Draining).Skip(skip).Take(take))
        {
            keys.Add(new ParkedKey(state.Key, queue, state.DeadLetterId, await waiting.CountAsync(state.Key, cancellationToken).ConfigureAwait(false)));
        }

        return keys;
    }

    // Not queue.purge: a keyed dead letter must not go without its skip, or its key stays parked with nothing left to
    // re-drive or delete. So each batch is read, its skips published (confirmed) together, then acknowledged: what is
    // removed had its skip, and a dead letter that arrives meanwhile is either taken with its skip or stays.
    private async ValueTask<int> PurgeOrderedAsync(string queue, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var purged = 0;
        while (await NextSettledAsync(channel, queue, cancellationToken).ConfigureAwait(false) is { } first)
        {
            var batch = new List<(DeadLetter Letter, ulong Tag)> { first };
            while (batch.Count < PurgeBatch && await NextAsync(channel, queue, cancellationToken).ConfigureAwait(false) is { } next)
            {
                batch.Add(next);
            }

            await Task.WhenAll(batch
                .Where(found => found.Letter.OrderingKey is { Length: > 0 })
                .Select(found => SkipAsync(queue, found.Letter.OrderingKey!, found.Letter, cancellationToken).AsTask())).ConfigureAwait(false);
            await channel.BasicAckAsync(batch[^1].Tag, multiple: true, cancellationToken).ConfigureAwait(false);
            purged += batch.Count;
        }

        return purged;
    }

    private ValueTask SkipAsync(string queue, string key, DeadLetter letter, CancellationToken cancellationToken) =>
        publisher.PublishAsync(RabbitMqTopology.SendExchange(queue), "", OrderingSkip.For(key, letter.Id, letter.Envelope.CorrelationId), mandatory: true, cancellationToken);

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
