using Switchboard.Configuration;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ;

/// <summary>
/// What one service does on the broker, from which its least-privilege permissions follow
/// (<see cref="RabbitMqPermissions.For"/>) and the topology an administrator provisions for it
/// (<see cref="RabbitMqProvisioner"/>).
/// </summary>
/// <param name="Endpoints">
/// The endpoint queues it consumes, with the topics (event type names) each subscribes to, and whether each is ordered
/// (<see cref="EndpointDeclaration.Ordered"/>: partitions instead of one queue, and a few more permissions).
/// </param>
/// <param name="Publishes">The topics (event type names) it publishes.</param>
/// <param name="SendsTo">The queues of other services it sends commands to (its own endpoints are implied).</param>
public sealed record RabbitMqServiceAccess(IReadOnlyList<EndpointDeclaration> Endpoints, IReadOnlyCollection<string> Publishes, IReadOnlyCollection<string> SendsTo)
{
    /// <summary>
    /// What a configured bus does: its endpoints (with the topics their handlers subscribe to, and whether they are
    /// ordered), the messages it declares
    /// with <see cref="SwitchboardBuilder.Publishes{TMessage}"/>, and the destinations of its routes
    /// (<see cref="SwitchboardBuilder.Route{TMessage}"/>). Sends to an explicit destination that no route names are not seen.
    /// </summary>
    public static RabbitMqServiceAccess Of(BusConfiguration bus)
    {
        ArgumentNullException.ThrowIfNull(bus);
        return new(
            bus.Endpoints.Select(e => new EndpointDeclaration(e.Queue, e.Topics.Order(StringComparer.Ordinal).ToList()) { Ordered = e.Ordered }).ToList(),
            bus.Publications.Select(bus.Registry.GetName).Order(StringComparer.Ordinal).ToList(),
            bus.Routes.Values.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList());
    }
}
