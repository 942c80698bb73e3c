namespace Switchboard.EventSourcing;

/// <summary>
/// Subscription checkpoints by name: the global position up to which a subscription has handled every event. An event
/// store's checkpoints are also those its transactions save (<see cref="IEventStoreTransaction.SaveCheckpointAsync"/>).
/// Instances are thread-safe.
/// </summary>
public interface ICheckpointStore
{
    /// <summary>The checkpoint saved under <paramref name="name"/> (a global position), or null when there is none.</summary>
    ValueTask<long?> LoadCheckpointAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Saves a checkpoint, replacing the one of that name whatever its position.</summary>
    ValueTask SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken = default);

    /// <summary>Deletes a checkpoint (a projection rebuilt under a new name no longer needs its old one); no error when there is none.</summary>
    ValueTask DeleteCheckpointAsync(string name, CancellationToken cancellationToken = default);
}
