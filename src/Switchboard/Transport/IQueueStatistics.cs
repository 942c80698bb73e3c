namespace Switchboard.Transport;

/// <summary>
/// A transport that can tell how many messages wait in a queue and how many consumers it has. Optional: a transport
/// that cannot tell does not implement it, and operators see the figure as unavailable.
/// </summary>
public interface IQueueStatistics
{
    /// <summary>The queue's figures now; null when there is no such queue.</summary>
    ValueTask<QueueStatistics?> GetQueueStatisticsAsync(string queue, CancellationToken cancellationToken = default);
}

/// <summary>A queue's figures as its broker reports them.</summary>
/// <param name="Ready">Messages waiting to be delivered (due now; scheduled ones are not counted).</param>
/// <param name="Consumers">Consumers attached across every process, when the broker knows it.</param>
public sealed record QueueStatistics(long Ready, int? Consumers);
