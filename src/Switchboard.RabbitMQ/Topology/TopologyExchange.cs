namespace Switchboard.RabbitMQ.Topology;

/// <summary>A durable exchange of the topology, with optional arguments (e.g. <c>alternate-exchange</c>). Equal by the arguments' content.</summary>
/// <remarks>
/// None is "internal": RabbitMQ.Client cannot declare one, and an exchange provisioned internal would then differ from
/// the one a transport in declare mode declares (the broker refuses that). Permissions keep users off the delay levels.
/// </remarks>
internal sealed record TopologyExchange(string Name, string Type, IReadOnlyDictionary<string, object?>? Arguments = null)
{
    public bool Equals(TopologyExchange? other) =>
        other is not null && Name == other.Name && Type == other.Type && TopologyArguments.Equal(Arguments, other.Arguments);

    public override int GetHashCode() => HashCode.Combine(Name, Type, TopologyArguments.Hash(Arguments));
}
