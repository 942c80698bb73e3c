using System.Text.Json.Nodes;

namespace Switchboard.AsyncApi;

/// <summary>
/// The document's <c>channels</c> and <c>operations</c> from a <see cref="BusTopology"/>. A topic's channel is keyed by
/// its wire name, which is its address on every transport (RabbitMQ's routing key, SQLite's subscription topic); a
/// queue's by its name, made a valid key where it is not one. Operations: <c>receive.{queue}</c> for each endpoint,
/// <c>publish.{wire name}</c> for each declared publication and <c>send.{wire name}.to.{queue}</c> for each route.
/// </summary>
internal sealed class AsyncApiChannels
{
    private readonly BusTopology _topology;
    private readonly AsyncApiKeys _channelKeys = new();
    private readonly AsyncApiKeys _operationKeys = new();

    public AsyncApiChannels(BusTopology topology)
    {
        _topology = topology;

        // Topics first: a wire name is always a valid key, and so keeps itself as the key; a queue that shares it gives way.
        var topics = topology.Topics.ToDictionary(t => t.Key, t => _channelKeys.Allocate(t.Key), StringComparer.Ordinal);
        var queues = topology.Queues.ToDictionary(q => q.Key, q => _channelKeys.Allocate(q.Key), StringComparer.Ordinal);
        var channels = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        var operations = new SortedDictionary<string, JsonNode>(StringComparer.Ordinal);
        foreach (var (topic, use) in topology.Topics)
        {
            channels[topics[topic]] = TopicChannel(topic, use);
            if (use.Published)
            {
                operations[_operationKeys.Allocate("publish." + topic)] = Operation(
                    "send",
                    topics[topic],
                    [topic],
                    $"Publishes {TypeName(topic)} on the topic {topic}: every queue subscribed to it gets a copy.");
            }
        }

        foreach (var (queue, use) in topology.Queues)
        {
            var key = queues[queue];
            channels[key] = QueueChannel(queue, use);
            if (use.Handled.Count > 0)
            {
                operations[_operationKeys.Allocate("receive." + key)] = Operation(
                    "receive",
                    key,
                    use.Handled,
                    $"The endpoint {queue} receives from its queue, and handles, {string.Join(", ", use.Handled.Select(TypeName))}.");
            }

            foreach (var message in use.Routed)
            {
                operations[_operationKeys.Allocate($"send.{message}.to.{key}")] = Operation(
                    "send",
                    key,
                    [message],
                    $"Sends {TypeName(message)} to the queue {queue}, its route.");
            }
        }

        Channels = Sorted(channels);
        Operations = Sorted(operations);
    }

    public JsonObject Channels { get; }

    public JsonObject Operations { get; }

    private JsonObject TopicChannel(string topic, TopicUse use)
    {
        var who = use.Subscribers.Count == 0
            ? "No queue of this system subscribes to it."
            : $"Every queue subscribed to it gets a copy: {string.Join(", ", use.Subscribers)}.";
        var channel = new JsonObject
        {
            ["address"] = topic,
            ["title"] = "Topic " + topic,
            ["description"] = (use.Published ? $"Every {TypeName(topic)} published. " : $"No bus of this system declares it publishes {TypeName(topic)}. ") + who,
            ["messages"] = Messages([topic]),
        };
        if (use.Subscribers.Count > 0)
        {
            channel["x-switchboard-subscribers"] = new JsonArray([.. use.Subscribers.Select(s => JsonValue.Create(s))]);
        }

        return channel;
    }

    private static JsonObject QueueChannel(string queue, QueueUse use)
    {
        var channel = new JsonObject
        {
            // A brace in an address is a parameter's name in AsyncAPI; such a queue has no address the document can spell.
            ["address"] = queue.AsSpan().IndexOfAny('{', '}') < 0 ? queue : null,
            ["title"] = "Queue " + queue,
            ["description"] = use.IsEndpoint
                ? $"The queue of the endpoint {queue}: the messages sent to it, and a copy of each message published on a topic it subscribes to."
                : $"The queue {queue}, which messages are routed to; no endpoint of this system consumes it.",
            ["messages"] = Messages(use.Messages),
        };
        if (use.Subscriptions.Count > 0)
        {
            channel["x-switchboard-subscriptions"] = new JsonArray([.. use.Subscriptions.Select(s => JsonValue.Create(s))]);
        }

        return channel;
    }

    private static JsonObject Messages(IEnumerable<string> names)
    {
        var messages = new JsonObject();
        foreach (var name in names)
        {
            messages[name] = Reference(MessageComponents.Pointer(name));
        }

        return messages;
    }

    private static JsonObject Operation(string action, string channel, IEnumerable<string> messages, string summary) => new()
    {
        ["action"] = action,
        ["channel"] = Reference("#/channels/" + channel),
        ["summary"] = summary,
        ["messages"] = new JsonArray([.. messages.Select(m => Reference($"#/channels/{channel}/messages/{m}"))]),
    };

    private static JsonObject Reference(string pointer) => new() { ["$ref"] = pointer };

    private string TypeName(string message) => _topology.Messages[message].Type.Name;

    private static JsonObject Sorted(SortedDictionary<string, JsonNode> entries)
    {
        var node = new JsonObject();
        foreach (var (key, value) in entries)
        {
            node[key] = value;
        }

        return node;
    }
}
