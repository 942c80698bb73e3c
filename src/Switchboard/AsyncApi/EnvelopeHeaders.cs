using System.Text.Json.Nodes;

namespace Switchboard.AsyncApi;

/// <summary>
/// The JSON Schema of a message's envelope (<see cref="Messages.Envelope"/>) as AsyncAPI <c>headers</c>: the fields
/// every transport carries beside the body, named as the envelope names them. Each transport maps them onto its native
/// form (on RabbitMQ, AMQP properties and headers; on SQLite, columns): docs/contracts.md has the table. What a receiving
/// bus requires is required here: a message id, the type and the content type.
/// </summary>
internal static class EnvelopeHeaders
{
    /// <summary>The headers of a message of type <paramref name="messageType"/> whose body is <paramref name="contentType"/>.</summary>
    public static JsonObject Schema(string messageType, string contentType) => new()
    {
        ["type"] = "object",
        ["description"] = "The envelope: the fields every transport carries beside the body. Any further header is a string; the framework's own start with 'sb-'.",
        ["required"] = new JsonArray("messageId", "messageType", "contentType"),
        ["properties"] = new JsonObject
        {
            ["messageId"] = Text("Unique id of the message (a UUIDv7 unless the sender chose one). A receiver drops a second copy with the same id; a message without one is dead-lettered.", minLength: 1),
            ["messageType"] = Constant("The message's wire name.", messageType),
            ["correlationId"] = Text("The business conversation the message belongs to; the message id where it starts one. Messages sent while handling it inherit it."),
            ["causationId"] = Text("The id of the message whose handling sent this one; absent where it was sent from outside a handler."),
            ["traceparent"] = new JsonObject
            {
                ["type"] = "string",
                ["description"] = "W3C trace context of the span that sent the message.",
                ["pattern"] = "^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$",
            },
            ["tracestate"] = Text("W3C trace state accompanying traceparent."),
            ["sentAt"] = new JsonObject
            {
                ["type"] = "string",
                ["format"] = "date-time",
                ["description"] = "When the sender sent the message (UTC).",
            },
            ["contentType"] = Constant("The media type of the body.", contentType),
            [Messages.HeaderNames.OrderingKey] = new JsonObject
            {
                ["type"] = "string",
                ["minLength"] = 1,
                ["maxLength"] = Messages.OrderingKeys.MaxLength,
                ["description"] = "The ordering key: an ordered endpoint handles the messages of one key one at a time, in the order they were sent. In CloudEvents terms, the partitionkey extension.",
            },
        },
        ["additionalProperties"] = new JsonObject { ["type"] = "string" },
    };

    private static JsonObject Text(string description, int? minLength = null)
    {
        var schema = new JsonObject { ["type"] = "string", ["description"] = description };
        if (minLength is { } length)
        {
            schema["minLength"] = length;
        }

        return schema;
    }

    private static JsonObject Constant(string description, string value) => new() { ["type"] = "string", ["const"] = value, ["description"] = description };
}
