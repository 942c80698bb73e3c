namespace Switchboard.RabbitMQ.Topology;

/// <summary>
/// A binding from exchange <paramref name="Source"/> to a queue, or to an exchange when <paramref name="ToExchange"/>,
/// with optional <paramref name="Arguments"/> (a headers exchange matches on them). Equal by the arguments' content.
/// </summary>
internal sealed record TopologyBinding(string Source, string Destination, string RoutingKey, bool ToExchange = false, IReadOnlyDictionary<string, object?>? Arguments = null)
{
    public bool Equals(TopologyBinding? other) =>
        other is not null
        && Source == other.Source
        && Destination == other.Destination
        && RoutingKey == other.RoutingKey
        && ToExchange == other.ToExchange
        && TopologyArguments.Equal(Arguments, other.Arguments);

    public override int GetHashCode() => HashCode.Combine(Source, Destination, RoutingKey, ToExchange, TopologyArguments.Hash(Arguments));
}
