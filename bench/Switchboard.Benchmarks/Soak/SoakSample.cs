using System.Globalization;

namespace Switchboard.Benchmarks.Soak;

/// <summary>One progress sample of a soak, printed on stderr every 5 s.</summary>
/// <param name="Elapsed">Since the first send of the soak.</param>
/// <param name="Handled">Distinct items handled so far.</param>
/// <param name="Rate">Items handled per second since the previous sample.</param>
/// <param name="InFlight">Items sent and not yet handled: the queue's backlog as the producer sees it (at most W).</param>
/// <param name="WalBytes">Size of the store's write-ahead log; null when the system keeps none.</param>
/// <param name="WorkingSetBytes">The process's working set (<see cref="Environment.WorkingSet"/>).</param>
/// <param name="GcHeapBytes">Bytes allocated on the GC heap and not yet known to be free (<see cref="GC.GetTotalMemory(bool)"/>).</param>
/// <param name="GcCommittedBytes">Memory the GC has committed, as of the last collection.</param>
/// <param name="TrackerChunks">Chunks the exactly-once bookkeeping holds (32.5 KiB each).</param>
public sealed record SoakSample(
    TimeSpan Elapsed,
    long Handled,
    double Rate,
    long InFlight,
    long? WalBytes,
    long WorkingSetBytes,
    long GcHeapBytes,
    long GcCommittedBytes,
    int TrackerChunks)
{
    /// <summary>The plain line for stderr.</summary>
    public string Describe(string label) => string.Create(
        CultureInfo.InvariantCulture,
        $"# soak {label} t={Elapsed.TotalSeconds:F0}s handled={Handled} rate={Rate:F0}/s in_flight={InFlight} "
        + $"wal={(WalBytes is { } wal ? Mebibytes(wal) : "none")} ws={Mebibytes(WorkingSetBytes)} "
        + $"gc_heap={Mebibytes(GcHeapBytes)} gc_committed={Mebibytes(GcCommittedBytes)} tracker_chunks={TrackerChunks}");

    private static string Mebibytes(long bytes) => (bytes / (1024.0 * 1024.0)).ToString("F1", CultureInfo.InvariantCulture) + "MiB";
}
