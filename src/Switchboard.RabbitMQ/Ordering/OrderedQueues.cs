using System.Collections.Concurrent;
using global::RabbitMQ.Client;
using Switchboard.RabbitMQ.Topology;

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

        if (!await PassiveDeclaration.ExistsAsync(connection, channel => channel.ExchangeDeclarePassiveAsync(OrderingNames.OrderExchange(queue), cancellationToken), cancellationToken).ConfigureAwait(false))
        {
            return false;
        }

        _ordered[queue] = true;
        return true;
    }
}
