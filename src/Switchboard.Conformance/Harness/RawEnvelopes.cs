using System.Text;
using System.Text.Json;
using Switchboard.Messages;

namespace Switchboard.Conformance.Harness;

/// <summary>Builds envelopes by hand, for suites that talk to a transport below the bus or send what a bus never would.</summary>
public static class RawEnvelopes
{
    /// <summary>An envelope of the given type, body and content type, with a fresh message id.</summary>
    public static Envelope Create(string messageType, ReadOnlyMemory<byte> body, string contentType = "application/json")
    {
        var id = Guid.NewGuid().ToString();
        return new Envelope
        {
            MessageId = id,
            MessageType = messageType,
            CorrelationId = id,
            SentAt = DateTimeOffset.UtcNow,
            ContentType = contentType,
            Body = body,
        };
    }

    /// <summary>An envelope whose body is the given text (UTF-8).</summary>
    public static Envelope Create(string messageType, string body, string contentType = "application/json") =>
        Create(messageType, Encoding.UTF8.GetBytes(body), contentType);

    /// <summary>A well-formed <see cref="TestCommand"/> envelope, serialized as the bus would.</summary>
    public static Envelope Command(int number, string text = "") =>
        Create(TestMessageNames.Command, JsonSerializer.SerializeToUtf8Bytes(new TestCommand(number, text), JsonSerializerOptions.Web));

    /// <summary>Reads the <see cref="TestCommand"/> in an envelope's body.</summary>
    public static TestCommand ReadCommand(Envelope envelope) =>
        JsonSerializer.Deserialize<TestCommand>(envelope.Body.Span, JsonSerializerOptions.Web)
        ?? throw new InvalidOperationException($"Message {envelope.MessageId} has a null body.");
}
