namespace Switchboard.Benchmarks.Measurement;

/// <summary>
/// The tracker of the run in progress, shared by the producer and every handler (a singleton in DI).
/// The runner swaps it between the warm-up and the measured (or soak) run, when nothing is in flight.
/// </summary>
public sealed class CurrentRun
{
    private IItemTracker? _tracker;

    /// <summary>The run in progress.</summary>
    public IItemTracker Tracker
    {
        get => Volatile.Read(ref _tracker) ?? throw new InvalidOperationException("No benchmark run is in progress.");
        set => Volatile.Write(ref _tracker, value);
    }
}
