using System.Collections.Concurrent;
using System.Collections.Immutable;

namespace Switchboard.InMemory;

/// <summary>
/// An in-process broker: queues, topic subscriptions, scheduled messages and dead letters, shared by every
/// bus that uses it. It behaves like a real broker minus durability: at-least-once delivery, acknowledgement,
/// redelivery of what a stopped consumer held, delayed delivery, and bounded queues.
/// </summary>
public sealed class InMemoryNetwork : IDisposable
{
    private readonly ConcurrentDictionary<string, InMemoryQueue> _queues = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ImmutableArray<InMemoryQueue>> _subscribers = new(StringComparer.Ordinal);
    private readonly Lock _topologyLock = new();

    /// <summary>Creates a network with the given limits.</summary>
    public InMemoryNetwork(InMemoryNetworkOptions? options = null)
    {
        Options = options ?? new InMemoryNetworkOptions();
        Scheduler = new InMemoryScheduler(TimeProvider.System);
    }

    /// <summary>The network's limits.</summary>
    public InMemoryNetworkOptions Options { get; }

    internal InMemoryScheduler Scheduler { get; }

    /// <summary>The queues that exist.</summary>
    public IReadOnlyCollection<string> Queues => _queues.Keys.ToArray();

    /// <summary>Messages a queue holds (ready, scheduled and unacknowledged); 0 when it does not exist.</summary>
    public int CountMessages(string queue) => _queues.TryGetValue(queue, out var q) ? q.Count : 0;

    internal InMemoryQueue Declare(string queue, IEnumerable<string> topics)
    {
        lock (_topologyLock)
        {
            var declared = _queues.GetOrAdd(queue, name => new InMemoryQueue(name, Options, Scheduler));
            foreach (var topic in topics)
            {
                var current = _subscribers.GetValueOrDefault(topic, []);
                if (!current.Contains(declared))
                {
                    _subscribers[topic] = current.Add(declared);
                }
            }

            return declared;
        }
    }

    internal InMemoryQueue? Find(string queue) => _queues.GetValueOrDefault(queue);

    internal ImmutableArray<InMemoryQueue> SubscribersOf(string topic) => _subscribers.GetValueOrDefault(topic, []);

    /// <summary>Stops the scheduler; scheduled messages not yet due are dropped with the network.</summary>
    public void Dispose() => Scheduler.Dispose();
}
