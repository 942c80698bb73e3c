using System.Text.Json.Nodes;
using Switchboard.Serialization;

namespace Switchboard.AsyncApi;

/// <summary>
/// The document's <c>components.messages</c>: one per wire name, its payload the JSON Schema of the body as the bus
/// writes it (<see cref="JsonMessageSerializer.SchemaOf"/>) and its headers the envelope's (<see cref="EnvelopeHeaders"/>).
/// </summary>
internal static class MessageComponents
{
    /// <summary>Where a message's component is, for <c>$ref</c>.</summary>
    public static string Pointer(string name) => "#/components/messages/" + name;

    public static JsonObject Of(IEnumerable<MessageContract> messages)
    {
        var components = new JsonObject();
        foreach (var message in messages)
        {
            components[message.Name] = new JsonObject
            {
                ["name"] = message.Name,
                ["title"] = message.Type.Name,
                ["contentType"] = message.Serializer.ContentType,
                ["headers"] = EnvelopeHeaders.Schema(message.Name, message.Serializer.ContentType),
                ["payload"] = Payload(message),
            };
        }

        return components;
    }

    private static JsonObject Payload(MessageContract message)
    {
        if (message.Serializer is not JsonMessageSerializer json)
        {
            // Another serializer's output cannot be described from here: any body is allowed, and the document says why.
            return new JsonObject { ["description"] = $"Written by {message.Serializer.GetType().Name} as {message.Serializer.ContentType}; its schema is not known to Switchboard." };
        }

        var schema = json.SchemaOf(message.Type);
        Rebase(schema, Pointer(message.Name) + "/payload");
        return schema;
    }

    // The exporter refers to a type it meets again inside itself (a recursive type) with a pointer from the schema's own
    // root ("#", "#/properties/next"); inside the document that root is the payload's place, so every such pointer is
    // moved there. A pointer left as it was would name the AsyncAPI document's root.
    private static void Rebase(JsonNode? node, string root)
    {
        switch (node)
        {
            case JsonObject schema:
                if (schema["$ref"] is JsonValue reference && reference.TryGetValue<string>(out var pointer) && pointer.StartsWith('#'))
                {
                    schema["$ref"] = root + pointer[1..];
                }

                foreach (var (_, child) in schema.ToList())
                {
                    Rebase(child, root);
                }

                break;
            case JsonArray items:
                foreach (var item in items)
                {
                    Rebase(item, root);
                }

                break;
        }
    }
}
