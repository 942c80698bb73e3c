using Switchboard.Messages;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// The control message that skips a parked key's dead letter (a delete or a purge in the dead-letter API). It goes
/// through the endpoint's send exchange like any message of the key (<see cref="HeaderNames.OrderingKey"/>, from which
/// the publisher stamps its slot), so it reaches the key's partition in order with the key's other messages; the
/// partition consumer recognises it by <see cref="OrderingNames.SkipHeader"/> (the dead letter's id) and never hands it
/// to a handler. Its body is empty.
/// </summary>
internal static class OrderingSkip
{
    /// <summary>The message type of a skip.</summary>
    public const string MessageType = "switchboard.ordering-skip";

    /// <summary>A skip of the dead letter <paramref name="deadLetterId"/>, which parks <paramref name="key"/>.</summary>
    public static Envelope For(string key, string deadLetterId, string? correlationId = null) => new()
    {
        MessageId = Guid.NewGuid().ToString("N"),
        MessageType = MessageType,
        CorrelationId = correlationId,
        CausationId = deadLetterId,
        ContentType = "",
        SentAt = DateTimeOffset.UtcNow,
        Headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            [HeaderNames.OrderingKey] = key,
            [OrderingNames.SkipHeader] = deadLetterId,
        },
        Body = ReadOnlyMemory<byte>.Empty,
    };

    /// <summary>Whether <paramref name="envelope"/> is a skip (whatever its type says): such a message is never handled.</summary>
    public static bool IsSkip(Envelope envelope) => envelope.Headers.ContainsKey(OrderingNames.SkipHeader);

    /// <summary>The key and the dead letter a skip names; false when it is no skip or lacks either (then it skips nothing).</summary>
    public static bool TryRead(Envelope envelope, out string key, out string deadLetterId)
    {
        key = envelope.Headers.TryGetValue(HeaderNames.OrderingKey, out var k) ? k : "";
        deadLetterId = envelope.Headers.TryGetValue(OrderingNames.SkipHeader, out var id) ? id : "";
        return key.Length > 0 && deadLetterId.Length > 0;
    }
}
