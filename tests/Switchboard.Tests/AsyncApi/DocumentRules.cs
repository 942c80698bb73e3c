using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Switchboard.Tests.AsyncApi;

/// <summary>
/// The rules of AsyncAPI 3.0 that a generated document can break without breaking its JSON, checked in .NET (the official
/// parser checks them all in the Node.js tests): keys, references, and operations' messages taken from their channel.
/// </summary>
internal static partial class DocumentRules
{
    public static void AssertFollowed(JsonObject document)
    {
        Assert.Equal("3.0.0", (string?)document["asyncapi"]);
        foreach (var map in new[] { document["channels"], document["operations"], document["components"]?["messages"], document["servers"] })
        {
            foreach (var (key, _) in map?.AsObject() ?? [])
            {
                Assert.Matches(Key(), key);
            }
        }

        foreach (var reference in References(document))
        {
            Assert.True(Resolve(document, reference) is not null, $"$ref {reference} resolves to nothing");
        }

        foreach (var (key, operation) in document["operations"]!.AsObject())
        {
            var channel = (string)operation!["channel"]!["$ref"]!;
            Assert.StartsWith("#/channels/", channel, StringComparison.Ordinal);
            Assert.True((string?)operation["action"] is "send" or "receive", $"{key}: action {operation["action"]}");
            foreach (var message in operation["messages"]!.AsArray())
            {
                Assert.True(((string)message!["$ref"]!).StartsWith(channel + "/messages/", StringComparison.Ordinal), $"{key}: {message} is not a message of {channel}");
            }
        }
    }

    /// <summary>What a JSON pointer (<c>#/a/b</c>) names in <paramref name="document"/>, or null.</summary>
    public static JsonNode? Resolve(JsonNode document, string pointer)
    {
        Assert.StartsWith("#", pointer, StringComparison.Ordinal);
        var node = document;
        foreach (var token in pointer[1..].Split('/', StringSplitOptions.RemoveEmptyEntries).Select(t => t.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal)))
        {
            node = node switch
            {
                JsonObject o => o[token],
                JsonArray a when int.TryParse(token, out var i) && i < a.Count => a[i],
                _ => null,
            };
            if (node is null)
            {
                return null;
            }
        }

        return node;
    }

    public static IEnumerable<string> References(JsonNode? node) => node switch
    {
        JsonObject o => (o["$ref"] is JsonValue v && v.TryGetValue<string>(out var r) ? [r] : Array.Empty<string>())
            .Concat(o.SelectMany(p => References(p.Value))),
        JsonArray a => a.SelectMany(References),
        _ => [],
    };

    [GeneratedRegex(@"^[a-zA-Z0-9\.\-_]+$")]
    private static partial Regex Key();
}
