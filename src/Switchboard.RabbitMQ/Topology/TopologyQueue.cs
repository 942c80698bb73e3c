namespace Switchboard.RabbitMQ.Topology;

/// <summary>A durable queue of the topology with its arguments (which must never change once it exists).</summary>
internal sealed record TopologyQueue(string Name, IDictionary<string, object?> Arguments);
