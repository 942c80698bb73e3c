using System.Globalization;

namespace Switchboard.Testing;

/// <summary>A message the bus handed to the transport: sent to a queue or published to a topic, now or for later.</summary>
public sealed record DispatchedMessage : RecordedMessage
{
    /// <summary>The queue it was sent to, or the topic (its type name) it was published to.</summary>
    public required string Destination { get; init; }

    /// <summary>When it is to be delivered; null for at once.</summary>
    public DateTimeOffset? DeliverAt { get; init; }

    /// <inheritdoc />
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"{MessageType} {MessageId} to '{Destination}'{(DeliverAt is { } at ? " for " + at.ToString("O", CultureInfo.InvariantCulture) : "")}");
}
