using Switchboard.Benchmarks.Measurement;

namespace Switchboard.Benchmarks.Systems;

/// <summary>A started system running one scenario. Disposing it stops the consumers and removes what setup created.</summary>
public interface IBenchmarkDriver : IAsyncDisposable
{
    /// <summary>Starts item <paramref name="sequence"/> of <paramref name="run"/>; completes when the system accepted it.</summary>
    ValueTask StartItemAsync(IItemTracker run, int sequence, CancellationToken cancellationToken);

    /// <summary>Checks beyond the per-item counters after a run; returns the problems found.</summary>
    ValueTask<IReadOnlyList<string>> VerifyAsync(RunTracker run, CancellationToken cancellationToken);

    /// <summary>The write-ahead log of the system's store, for the soak scenario to watch; null when it keeps none.</summary>
    WriteAheadLog? WriteAheadLog => null;
}
