using System.Text.Json.Nodes;

namespace Switchboard.Messages;

/// <summary>What <see cref="Upcasters.Read{TReader}"/> needs from its owner: the types of the names it maps, and how it reads bodies.</summary>
internal interface IUpcastReader
{
    /// <summary>The type mapped (registered) under <paramref name="name"/>, or null.</summary>
    Type? TypeOf(string name);

    /// <summary>A body as a JSON object, for a JSON upcaster; throws the owner's exception for a body that is not one.</summary>
    JsonObject Parse(ReadOnlyMemory<byte> body);

    /// <summary>A body (as it came, or as JSON upcasters left it) read as <paramref name="type"/>.</summary>
    object Deserialize(ReadOnlyMemory<byte> body, Type type);
}
