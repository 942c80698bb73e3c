using Switchboard.Configuration;
using Switchboard.Serialization;

namespace Switchboard.AsyncApi;

/// <summary>
/// What one or more buses do on the wire, merged and sorted (so that one bus with every endpoint and several buses with
/// one endpoint each describe the same system the same way): the queues and what arrives in or is sent to each, the
/// topics with who publishes and who subscribes, and every registered message with the bus that describes its body.
/// </summary>
internal sealed class BusTopology
{
    private BusTopology()
    {
    }

    /// <summary>Endpoint queues and route destinations, by queue name.</summary>
    public SortedDictionary<string, QueueUse> Queues { get; } = new(StringComparer.Ordinal);

    /// <summary>Topics (wire names) that are published or subscribed to.</summary>
    public SortedDictionary<string, TopicUse> Topics { get; } = new(StringComparer.Ordinal);

    /// <summary>Every registered message, by wire name.</summary>
    public SortedDictionary<string, MessageContract> Messages { get; } = new(StringComparer.Ordinal);

    public static BusTopology Of(IEnumerable<BusConfiguration> buses)
    {
        var topology = new BusTopology();
        foreach (var bus in buses)
        {
            topology.Add(bus);
        }

        return topology;
    }

    private void Add(BusConfiguration bus)
    {
        var sent = bus.Routes.Keys.Concat(bus.Publications).ToHashSet();
        foreach (var name in bus.Registry.Names)
        {
            bus.Registry.TryGetType(name, out var type);
            var contract = new MessageContract(name, type!, bus.Serializer, sent.Contains(type!));

            // The body on the wire is the sender's: a bus that sends the message describes it over one that only reads it.
            if (!Messages.TryGetValue(name, out var known) || (contract.Sent && !known.Sent))
            {
                Messages[name] = contract;
            }
        }

        foreach (var endpoint in bus.Endpoints)
        {
            var queue = Queue(endpoint.Queue);
            queue.IsEndpoint = true;
            queue.Handled.UnionWith(endpoint.Handlers.Keys.Select(bus.Registry.GetName));
            queue.Subscriptions.UnionWith(endpoint.Topics);
            foreach (var topic in endpoint.Topics)
            {
                Topic(topic).Subscribers.Add(endpoint.Queue);
            }
        }

        foreach (var (type, destination) in bus.Routes)
        {
            Queue(destination).Routed.Add(bus.Registry.GetName(type));
        }

        foreach (var type in bus.Publications)
        {
            Topic(bus.Registry.GetName(type)).Published = true;
        }
    }

    private QueueUse Queue(string name) => Queues.TryGetValue(name, out var queue) ? queue : Queues[name] = new QueueUse();

    private TopicUse Topic(string name) => Topics.TryGetValue(name, out var topic) ? topic : Topics[name] = new TopicUse();
}

/// <summary>One queue: whether an endpoint consumes it, the messages its endpoints handle, those routed to it, and the topics it subscribes to.</summary>
internal sealed class QueueUse
{
    public bool IsEndpoint { get; set; }

    public SortedSet<string> Handled { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Routed { get; } = new(StringComparer.Ordinal);

    public SortedSet<string> Subscriptions { get; } = new(StringComparer.Ordinal);

    /// <summary>Every message that arrives in the queue: the handled ones and the routed ones.</summary>
    public IEnumerable<string> Messages => Handled.Union(Routed, StringComparer.Ordinal).Order(StringComparer.Ordinal);
}

/// <summary>One topic: whether a bus declares it publishes it, and the queues that get a copy of each publication.</summary>
internal sealed class TopicUse
{
    public bool Published { get; set; }

    public SortedSet<string> Subscribers { get; } = new(StringComparer.Ordinal);
}

/// <summary>A registered message: its wire name, its type and the serializer that writes its body, and whether that bus sends it.</summary>
internal sealed record MessageContract(string Name, Type Type, IMessageSerializer Serializer, bool Sent);
