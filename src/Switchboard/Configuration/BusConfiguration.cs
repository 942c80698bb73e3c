using Switchboard.Messages;
using Switchboard.Serialization;
using Switchboard.Transport;

namespace Switchboard.Configuration;

/// <summary>The validated result of <see cref="SwitchboardBuilder"/>.</summary>
/// <param name="Registry">Message names and types.</param>
/// <param name="Routes">Default destination of each command type.</param>
/// <param name="Endpoints">The receive endpoints of this process.</param>
/// <param name="Options">Bus-wide settings.</param>
/// <param name="Serializer">Body serializer.</param>
/// <param name="TransportFactory">Creates the transport.</param>
public sealed record BusConfiguration(
    MessageTypeRegistry Registry,
    IReadOnlyDictionary<Type, string> Routes,
    IReadOnlyList<EndpointDefinition> Endpoints,
    BusOptions Options,
    IMessageSerializer Serializer,
    Func<IServiceProvider, ITransport> TransportFactory)
{
    /// <summary>
    /// The message types this bus declared it publishes (<see cref="SwitchboardBuilder.Publishes{TMessage}"/>): what a
    /// broker must let it publish, and, with <see cref="BusOptions.OnlyDeclaredPublications"/>, all it may publish.
    /// </summary>
    public IReadOnlySet<Type> Publications { get; init; } = new HashSet<Type>();

    /// <summary>
    /// How this bus computes the ordering key of the types it sends (<see cref="SwitchboardBuilder.OrderingKey{TMessage}"/>
    /// and <see cref="EndpointBuilder.OrderedBy{TMessage}"/>); docs/ordering.md.
    /// </summary>
    public OrderingKeys OrderingKeys { get; init; } = new();
}
