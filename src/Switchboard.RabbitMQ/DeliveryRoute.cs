using Switchboard.RabbitMQ.Topology;

namespace Switchboard.RabbitMQ;

/// <summary>
/// Decides whether the way a message reached one queue vouches for its message type. The broker checks a publisher's
/// permissions against the exchange and the routing key it publishes with, never against the message's <c>type</c>
/// property, which the publisher writes freely; and before RabbitMQ 4.0.3 it did not check the extra routing keys of
/// the <c>CC</c> and <c>BCC</c> headers either, while a delivery still reports the first routing key. So a message is
/// handled only when its route names it: an event whose routing key is its type, a send through the queue's send
/// exchange, a delay-chain key that ends in this queue or in the event's type, or the default exchange (which only an
/// administrator may write to when services have least-privilege users). One per receiver: the names it compares with
/// are made once, not per delivery.
/// </summary>
internal sealed class DeliveryRoute(string queue, string eventsExchange)
{
    private readonly string _sendExchange = RabbitMqTopology.SendExchange(queue);

    public string? Refusal(string exchange, string routingKey, string messageType)
    {
        if (exchange == eventsExchange)
        {
            return routingKey == messageType ? null : Refuse(exchange, routingKey, messageType);
        }

        // The queue's send exchange; an exchange named like the queue is how versions before issue 13 sent (the
        // provisioner deletes those, so with least-privilege users only an administrator could still route through one).
        if (exchange.Length == 0 || exchange == _sendExchange || exchange == queue)
        {
            return null;
        }

        if (exchange.StartsWith(RabbitMqTopology.DelayExchange, StringComparison.Ordinal)
            && (DelayRoute.Targets(routingKey, DelayRoute.Queue, queue) || DelayRoute.Targets(routingKey, DelayRoute.Topic, messageType)))
        {
            return null;
        }

        return Refuse(exchange, routingKey, messageType);
    }

    private string Refuse(string exchange, string routingKey, string messageType) =>
        $"refused: it reached queue '{queue}' through exchange '{Truncate(exchange)}' with routing key '{Truncate(routingKey)}', "
        + $"which does not vouch for its message type '{Truncate(messageType)}'";

    // Values that came off the wire are quoted, but never at any length.
    private static string Truncate(string value) => value.Length <= 200 ? value : value[..200] + "…";
}
