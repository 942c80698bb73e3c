namespace Switchboard.RabbitMQ.Topology;

/// <summary>A durable exchange of the topology.</summary>
/// <remarks>
/// None is "internal": RabbitMQ.Client cannot declare one, and an exchange provisioned internal would then differ from
/// the one a transport in declare mode declares (the broker refuses that). Permissions keep users off the delay levels.
/// </remarks>
internal sealed record TopologyExchange(string Name, string Type);
