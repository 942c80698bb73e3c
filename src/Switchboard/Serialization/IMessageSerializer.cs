namespace Switchboard.Serialization;

/// <summary>Turns messages into bodies and back. The CLR type always comes from the type registry, never from the body.</summary>
public interface IMessageSerializer
{
    /// <summary>The MIME type this serializer writes, e.g. <c>application/json</c>.</summary>
    string ContentType { get; }

    /// <summary>Serializes a message of the given registered type.</summary>
    ReadOnlyMemory<byte> Serialize(object message, Type type);

    /// <summary>
    /// Deserializes a body into the given registered type. Throws <see cref="MessageBodyException"/> when the body
    /// cannot be turned into that type (malformed, too deep, null, or not satisfying the type's contract: missing
    /// required members, null where the type allows none); the receive pipeline dead-letters it with that message.
    /// </summary>
    object Deserialize(ReadOnlyMemory<byte> body, Type type);
}
