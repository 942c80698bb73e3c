namespace Switchboard.RabbitMQ.Topology;

/// <summary>A binding from exchange <paramref name="Source"/> to a queue, or to an exchange when <paramref name="ToExchange"/>.</summary>
internal sealed record TopologyBinding(string Source, string Destination, string RoutingKey, bool ToExchange = false);
