namespace Switchboard.RabbitMQ.Ordering;

/// <summary>A key the parking log holds now: parked behind its dead letter, or being drained after it came back.</summary>
/// <param name="Key">The ordering key.</param>
/// <param name="DeadLetterId">The dead letter that parked it (the message id of the key's head).</param>
/// <param name="Draining">True when the dead letter came back and the key's parked queue is being drained.</param>
internal sealed record ParkedKeyState(string Key, string DeadLetterId, bool Draining);
