using System.Collections.Concurrent;
using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// Tells whether a queue is an ordered endpoint: declared so by this process, or its order exchange
/// <see cref="OrderingNames.OrderExchange"/> exists. Only a yes is remembered: an endpoint made ordered later (by a
/// deployment of the application) is then seen at once, and an ordered endpoint is not made unordered while its
/// transport runs. One per transport, shared by its receivers, statistics and dead-letter API.
/// </summary>
internal sealed class OrderedQueues(IConnection connection)
{
    private readonly ConcurrentDictionary<string, bool> _ordered = new(StringComparer.Ordinal);

    /// <summary>This process declared <paramref name="queue"/>, ordered or not.</summary>
    public void Declared(string queue, bool ordered)
    {
        if (ordered)
        {
            _ordered[queue] = true;
        }
        else
        {
            _ordered.TryRemove(queue, out _);
        }
    }

    /// <summary>Whether <paramref name="queue"/> is known to be ordered, without asking the broker.</summary>
    public bool IsKnownOrdered(string queue) => _ordered.ContainsKey(queue);

    public async ValueTask<bool> IsOrderedAsync(string queue, CancellationToken cancellationToken)
    {
        if (IsKnownOrdered(queue))
        {
            return true;
        }

        // A passive declaration of a missing exchange closes its channel: a channel of its own.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await channel.ExchangeDeclarePassiveAsync(OrderingNames.OrderExchange(queue), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }

        _ordered[queue] = true;
        return true;
    }
}
