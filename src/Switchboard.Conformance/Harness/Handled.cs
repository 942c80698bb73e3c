using Switchboard.Messages;

namespace Switchboard.Conformance.Harness;

/// <summary>One handled message as a recorder saw it.</summary>
/// <param name="Endpoint">The endpoint that handled it.</param>
/// <param name="Consumer">The bus instance (consumer) that handled it.</param>
/// <param name="Message">The message.</param>
/// <param name="Envelope">Its envelope.</param>
/// <param name="DeliveryCount">The transport's delivery count.</param>
/// <param name="At">When it was handled.</param>
public sealed record Handled(string Endpoint, string Consumer, object Message, Envelope Envelope, int DeliveryCount, DateTimeOffset At);
