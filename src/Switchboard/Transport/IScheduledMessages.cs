using Switchboard.Messages;

namespace Switchboard.Transport;

/// <summary>
/// A transport that can list the messages of a queue that are not due yet: sent with a delivery time (a saga's
/// timeout) or waiting for a delayed retry. Optional: a transport that cannot list them without disturbing them does not
/// implement it (RabbitMQ holds them in per-delay queues), and operators see them as unavailable.
/// </summary>
public interface IScheduledMessages
{
    /// <summary>Up to <paramref name="max"/> of the queue's messages not due yet, the soonest first.</summary>
    ValueTask<IReadOnlyList<ScheduledMessage>> ListScheduledAsync(string queue, int max, CancellationToken cancellationToken = default);
}

/// <summary>A message waiting in a queue until <paramref name="DueAt"/>.</summary>
/// <param name="Envelope">The message as it will be delivered.</param>
/// <param name="DueAt">When it becomes due.</param>
public sealed record ScheduledMessage(Envelope Envelope, DateTimeOffset DueAt);
