using Switchboard.Configuration;
using Switchboard.Operations;

namespace Switchboard.Runtime;

/// <summary>Counts each endpoint's deliveries (the bus wraps every endpoint's pipeline in its counters) and reports them with the endpoint's settings.</summary>
internal sealed class EndpointMonitor(BusConfiguration configuration, TimeProvider time) : IEndpointMonitor
{
    private readonly Dictionary<string, EndpointCounters> _counters = configuration.Endpoints.ToDictionary(e => e.Queue, _ => new EndpointCounters(time), StringComparer.Ordinal);
    private volatile IReadOnlySet<string> _running = new HashSet<string>();

    public EndpointCounters For(string queue) => _counters[queue];

    /// <summary>Called by the bus when its endpoints start or stop.</summary>
    public void SetRunning(IEnumerable<string> queues) => _running = queues.ToHashSet(StringComparer.Ordinal);

    public IReadOnlyList<EndpointStatus> Endpoints =>
        [.. configuration.Endpoints.Select(e => new EndpointStatus(
            e.Queue,
            _running.Contains(e.Queue),
            e.Options.Concurrency,
            e.Options.Prefetch,
            e.Options.Transactional is not null,
            [.. e.Handlers.Keys.Select(configuration.Registry.GetName).Order(StringComparer.Ordinal)],
            _counters[e.Queue].Read()))];
}
