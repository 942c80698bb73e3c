using System.Collections.Concurrent;
using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// The later messages of an ordered endpoint's parked keys, one queue per key (<see cref="OrderingNames.ParkedQueue"/>):
/// classic and durable, declared when the key's first message is parked, bound to the parking exchange
/// <see cref="OrderingNames.ParkingExchange"/> with its own name as routing key, and written through that exchange (never
/// the default exchange, which a least-privilege user may not write). A classic queue keeps the order of what is
/// published to it, and puts unacknowledged messages back at their places.
/// </summary>
internal sealed class ParkedMessages(IConnection connection, AmqpPublisher publisher, string queue)
{
    // Queues this instance declared and bound; another instance may delete one after draining it (a hand-over), which
    // the next park notices as an unroutable publish.
    private readonly ConcurrentDictionary<string, bool> _declared = new(StringComparer.Ordinal);

    /// <summary>The parking exchange the queues are bound to.</summary>
    public string Exchange { get; } = OrderingNames.ParkingExchange(queue);

    /// <summary>The queue of <paramref name="key"/>'s parked messages.</summary>
    public string QueueOf(string key) => OrderingNames.ParkedQueue(queue, key);

    /// <summary>Appends a message to the key's queue (declaring it the first time); returns when the broker confirmed it.</summary>
    public async ValueTask ParkAsync(string key, Envelope envelope, CancellationToken cancellationToken)
    {
        var name = QueueOf(key);
        if (!_declared.ContainsKey(name))
        {
            await DeclareAsync(name, cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await publisher.PublishAsync(Exchange, name, envelope, mandatory: true, cancellationToken).ConfigureAwait(false);
        }
        catch (UnroutableMessageException)
        {
            // Deleted since this instance declared it. The returned message was not stored, so publishing it again keeps the order.
            await DeclareAsync(name, cancellationToken).ConfigureAwait(false);
            await publisher.PublishAsync(Exchange, name, envelope, mandatory: true, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>How many messages wait in the key's queue (ready ones: not those a reader holds); 0 when it does not exist.</summary>
    public async ValueTask<long> CountAsync(string key, CancellationToken cancellationToken)
    {
        // A passive declaration of a missing queue closes its channel: a channel of its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            return (await channel.QueueDeclarePassiveAsync(QueueOf(key), cancellationToken).ConfigureAwait(false)).MessageCount;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return 0;
        }
    }

    /// <summary>Opens a reader of the key's queue on a channel of its own; a queue that does not exist reads as empty.</summary>
    public async ValueTask<ParkedReader> OpenAsync(string key, CancellationToken cancellationToken)
    {
        var name = QueueOf(key);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.QueueDeclarePassiveAsync(name, cancellationToken).ConfigureAwait(false);
            return new ParkedReader(channel, name);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            return ParkedReader.Empty(name);
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>
    /// Deletes the key's queue after a drain; a missing queue is fine. Only an empty queue is deleted (messages a reader
    /// holds unacknowledged do not count): one that still holds ready messages raises <see cref="InvalidOperationException"/>
    /// and stays, so a message parked after the drain is never lost.
    /// </summary>
    public async ValueTask DeleteAsync(string key, CancellationToken cancellationToken)
    {
        var name = QueueOf(key);
        _declared.TryRemove(name, out _);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.QueueDeleteAsync(name, ifUnused: false, ifEmpty: true, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            // Gone already.
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 406)
        {
            throw new InvalidOperationException($"The parked queue '{name}' of key '{key}' still holds messages: it was not deleted.", e);
        }
    }

    private async ValueTask DeclareAsync(string name, CancellationToken cancellationToken)
    {
        // Failures close a channel (a queue declared with other arguments, a refused permission): a channel of its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        var arguments = new Dictionary<string, object?> { ["x-queue-type"] = "classic" };
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.QueueBindAsync(name, Exchange, name, cancellationToken: cancellationToken).ConfigureAwait(false);
        _declared[name] = true;
    }
}
