using Switchboard.Configuration;
using Switchboard.Operations;

namespace Switchboard.Runtime;

/// <summary>
/// Counts each endpoint's deliveries (the bus wraps every endpoint's pipeline in its counters) and reports them with
/// the endpoint's settings and whether it runs (<paramref name="runningQueues"/>: the bus's endpoints consuming now).
/// </summary>
internal sealed class EndpointMonitor(BusConfiguration configuration, TimeProvider time, Func<IReadOnlyCollection<string>> runningQueues) : IEndpointMonitor
{
    private readonly Dictionary<string, EndpointCounters> _counters = configuration.Endpoints.ToDictionary(e => e.Queue, _ => new EndpointCounters(time), StringComparer.Ordinal);

    public EndpointCounters For(string queue) => _counters[queue];

    public IReadOnlyList<EndpointStatus> Endpoints
    {
        get
        {
            var running = runningQueues();
            return [.. configuration.Endpoints.Select(e => new EndpointStatus(
                e.Queue,
                running.Contains(e.Queue),
                e.Options.Concurrency,
                e.Options.Prefetch,
                e.Options.Transactional is not null,
                [.. e.Handlers.Keys.Select(configuration.Registry.GetName).Order(StringComparer.Ordinal)],
                _counters[e.Queue].Read()))];
        }
    }
}
