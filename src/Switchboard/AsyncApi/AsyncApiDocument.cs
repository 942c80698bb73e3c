using System.Text.Json.Nodes;
using Switchboard.Configuration;

namespace Switchboard.AsyncApi;

/// <summary>
/// Generates an AsyncAPI 3.0 document from the registrations of one or more buses: a channel per queue (endpoints and
/// route destinations) and per topic (published or subscribed wire names), a <c>send</c> operation per route and per
/// declared publication, a <c>receive</c> operation per endpoint, and a message per registered wire name with the JSON
/// Schema of its body and of its envelope. docs/contracts.md describes the mapping.
/// </summary>
public static class AsyncApiDocument
{
    /// <summary>The AsyncAPI version the documents follow.</summary>
    public const string SpecificationVersion = "3.0.0";

    /// <summary>
    /// The document of the system whose buses are <paramref name="buses"/>: one bus with every endpoint, or one bus per
    /// service of a distributed system, describe the same system alike. Everything is sorted by name, so the same
    /// registrations give the same document.
    /// </summary>
    public static JsonObject Create(AsyncApiInfo info, IEnumerable<BusConfiguration> buses)
    {
        ArgumentNullException.ThrowIfNull(info);
        ArgumentNullException.ThrowIfNull(buses);
        var topology = BusTopology.Of(buses);
        var channels = new AsyncApiChannels(topology);
        var document = new JsonObject
        {
            ["asyncapi"] = SpecificationVersion,
            ["info"] = Info(info),
        };
        if (info.Servers.Count > 0)
        {
            document["servers"] = Servers(info.Servers);
        }

        document["defaultContentType"] = "application/json";
        document["channels"] = channels.Channels;
        document["operations"] = channels.Operations;
        document["components"] = new JsonObject { ["messages"] = MessageComponents.Of(topology.Messages.Values) };
        return document;
    }

    private static JsonObject Info(AsyncApiInfo info)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(info.Title);
        ArgumentException.ThrowIfNullOrWhiteSpace(info.Version);
        var node = new JsonObject { ["title"] = info.Title, ["version"] = info.Version };
        if (info.Description is { Length: > 0 } description)
        {
            node["description"] = description;
        }

        return node;
    }

    private static JsonObject Servers(IReadOnlyList<AsyncApiServer> servers)
    {
        var node = new JsonObject();
        foreach (var server in servers)
        {
            if (node.ContainsKey(server.Name))
            {
                throw new ArgumentException($"Two servers are named '{server.Name}'.", nameof(servers));
            }

            var entry = new JsonObject { ["host"] = server.Host, ["protocol"] = server.Protocol };
            if (server.Pathname is { } pathname)
            {
                entry["pathname"] = pathname;
            }

            if (server.Description is { } description)
            {
                entry["description"] = description;
            }

            node[server.Name] = entry;
        }

        return node;
    }
}
