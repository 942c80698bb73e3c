namespace Switchboard.EventSourcing.Subscriptions;

/// <summary>What an <see cref="EventSubscription"/> hands its events to.</summary>
public interface IEventBatchHandler
{
    /// <summary>
    /// Handles a batch. Throwing makes the subscription handle the same batch again after a back-off (with
    /// <see cref="CheckpointMode.InTransaction"/>, after the batch's transaction rolled back).
    /// </summary>
    ValueTask HandleAsync(EventBatch batch, CancellationToken cancellationToken);
}
