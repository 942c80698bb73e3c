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
    /// <param name="options">The network's limits; the defaults when null.</param>
    /// <param name="timeProvider">
    /// The clock that decides when scheduled and deferred messages are due, and that the scheduler sleeps on;
    /// <see cref="TimeProvider.System"/> when null. Give it the host's <see cref="TimeProvider"/> (the one the bus stamps
    /// delivery times with), so that a fake clock (<c>FakeTimeProvider</c> in tests) releases them when it is advanced.
    /// </param>
    public InMemoryNetwork(InMemoryNetworkOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new InMemoryNetworkOptions();
        TimeProvider = timeProvider ?? TimeProvider.System;
        Scheduler = new InMemoryScheduler(TimeProvider);
    }

    /// <summary>The network's limits.</summary>
    public InMemoryNetworkOptions Options { get; }

    /// <summary>The network's clock: scheduled, deferred and dead-lettered messages are timed by it.</summary>
    public TimeProvider TimeProvider { get; }

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
