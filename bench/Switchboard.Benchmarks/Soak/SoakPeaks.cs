namespace Switchboard.Benchmarks.Soak;

/// <summary>The largest WAL and working set seen during a soak, overall and in its first minute, and the last working set.</summary>
public sealed class SoakPeaks
{
    /// <summary>The span whose largest working set is the reference for the end of the run.</summary>
    public static readonly TimeSpan FirstMinute = TimeSpan.FromMinutes(1);

    /// <summary>Largest WAL seen; null when the system keeps none.</summary>
    public long? MaxWalBytes { get; private set; }

    /// <summary>Largest working set seen.</summary>
    public long MaxWorkingSetBytes { get; private set; }

    /// <summary>Largest working set seen in the first minute (the whole run, if it is shorter).</summary>
    public long FirstMinuteWorkingSetBytes { get; private set; }

    /// <summary>The working set at the latest observation: at the end of the run, once it is over.</summary>
    public long LastWorkingSetBytes { get; private set; }

    /// <summary>Takes one observation, <paramref name="elapsed"/> after the start.</summary>
    public void Observe(TimeSpan elapsed, long? walBytes, long workingSetBytes)
    {
        if (walBytes is { } wal)
        {
            MaxWalBytes = Math.Max(MaxWalBytes ?? 0, wal);
        }

        MaxWorkingSetBytes = Math.Max(MaxWorkingSetBytes, workingSetBytes);
        if (elapsed <= FirstMinute)
        {
            FirstMinuteWorkingSetBytes = Math.Max(FirstMinuteWorkingSetBytes, workingSetBytes);
        }

        LastWorkingSetBytes = workingSetBytes;
    }
}
