namespace Switchboard;

/// <summary>The one dead-letter API every transport implements.</summary>
public interface IDeadLetterQueue
{
    /// <summary>Lists dead letters of a queue, oldest first.</summary>
    ValueTask<IReadOnlyList<DeadLetter>> ListAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default);

    /// <summary>Finds one dead letter; null when there is none with that id.</summary>
    ValueTask<DeadLetter?> GetAsync(string queue, string id, CancellationToken cancellationToken = default);

    /// <summary>How many dead letters a queue has.</summary>
    ValueTask<long> CountAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>
    /// Sends one dead letter back to its queue, without the dead-letter headers and with its retry count reset,
    /// and removes it from the dead-letter queue. Returns false when there is none with that id.
    /// </summary>
    ValueTask<bool> RedriveAsync(string queue, string id, CancellationToken cancellationToken = default);

    /// <summary>Re-drives every dead letter of a queue; returns how many.</summary>
    ValueTask<int> RedriveAllAsync(string queue, CancellationToken cancellationToken = default);

    /// <summary>Deletes one dead letter; returns false when there is none with that id.</summary>
    ValueTask<bool> DeleteAsync(string queue, string id, CancellationToken cancellationToken = default);

    /// <summary>Deletes every dead letter of a queue; returns how many.</summary>
    ValueTask<int> PurgeAsync(string queue, CancellationToken cancellationToken = default);
}
