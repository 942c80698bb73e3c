namespace Switchboard.Benchmarks.Measurement;

/// <summary>
/// What the producer and the handlers need of the run in progress: the order id of an item, and recording one
/// completion. <see cref="RunTracker"/> keeps per-item arrays for a run of N items; the soak tracker keeps
/// bounded bookkeeping for a run of unknown length.
/// </summary>
public interface IItemTracker
{
    /// <summary>The order id of item <paramref name="sequence"/>.</summary>
    Guid IdOf(int sequence);

    /// <summary>Records one completion of an item in <paramref name="slot"/>; anything not of this run counts as unexpected.</summary>
    void Complete(Guid orderId, decimal amount, int slot);
}
