namespace Switchboard.EventSourcing;

/// <summary>The latest snapshot of each aggregate stream, so a load reads only the events after it. Instances are thread-safe.</summary>
public interface ISnapshotStore
{
    /// <summary>The latest snapshot of <paramref name="streamId"/>, or null.</summary>
    ValueTask<Snapshot?> LoadSnapshotAsync(string streamId, CancellationToken cancellationToken = default);

    /// <summary>Saves a snapshot, replacing the stream's snapshot unless that one has a higher version.</summary>
    ValueTask SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default);
}
