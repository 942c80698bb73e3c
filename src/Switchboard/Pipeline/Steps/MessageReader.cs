using System.Text.Json;
using System.Text.Json.Nodes;
using Switchboard.Configuration;
using Switchboard.Messages;
using Switchboard.Serialization;

namespace Switchboard.Pipeline.Steps;

/// <summary>
/// Reads a delivered body as the type one endpoint's handlers take: the type registered under its wire name; for an
/// old name, the first type on its upcast path that the endpoint handles (the last type on it when the endpoint handles
/// none, which the invoke step then dead-letters). So an endpoint with a handler for the old type gets the message as
/// it came, and one with handlers for the new type only gets it upcast.
/// </summary>
internal sealed class MessageReader(BusConfiguration configuration, EndpointDefinition endpoint) : IUpcastReader
{
    private readonly MessageTypeRegistry _registry = configuration.Registry;
    private readonly IMessageSerializer _serializer = configuration.Serializer;
    private readonly Func<Type, bool> _handles = endpoint.Handlers.ContainsKey;
    private readonly JsonDocumentOptions _json = new() { MaxDepth = configuration.Options.MaxBodyDepth };

    /// <summary>Whether a message that arrives under <paramref name="messageType"/> can be read at all.</summary>
    public bool CanRead(string messageType) => _registry.CanRead(messageType);

    /// <summary>The message in <paramref name="body"/>, and the type its handlers are found by.</summary>
    /// <exception cref="MessageBodyException">The body cannot be read as its type, or an upcaster failed on it.</exception>
    public (object Message, Type Type) Read(string messageType, ReadOnlyMemory<byte> body)
    {
        // The usual case, a name that nothing upcasts: read as its registered type, as before there were upcasters.
        if (!_registry.Upcasts.ContainsKey(messageType) && _registry.TryGetType(messageType, out var type))
        {
            return (_serializer.Deserialize(body, type), type);
        }

        return _registry.Upcasters.Read(messageType, body, this, _handles)
            ?? throw new InvalidOperationException($"'{messageType}' is neither registered nor upcast; check CanRead first.");
    }

    Type? IUpcastReader.TypeOf(string name) => _registry.RegisteredType(name);

    JsonObject IUpcastReader.Parse(ReadOnlyMemory<byte> body)
    {
        try
        {
            return JsonNode.Parse(body.Span, documentOptions: _json) as JsonObject
                ?? throw new MessageBodyException("The body is not a JSON object, which its JSON upcaster needs.");
        }
        catch (JsonException e)
        {
            throw new MessageBodyException($"The body is not valid JSON: {e.Message}", e);
        }
    }

    object IUpcastReader.Deserialize(ReadOnlyMemory<byte> body, Type type) => _serializer.Deserialize(body, type);
}
