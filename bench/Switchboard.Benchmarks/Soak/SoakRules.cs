using Switchboard.Benchmarks.Systems;

namespace Switchboard.Benchmarks.Soak;

/// <summary>
/// What makes a soak correct (docs/benchmarks.md, "Soak"). All three must hold:
/// <list type="number">
/// <item>Exactly once: the load drained before the timeout without a failed send, every item sent was handled,
/// none twice, nothing unexpected.</item>
/// <item>The WAL stays bounded: it never exceeded 2 × <see cref="WriteAheadLog.TruncateThreshold"/> + 16 MiB
/// (144 MiB with SQLite's default 64 MiB), observed every 250 ms. The writer looks at the WAL only every 256
/// commits and truncates it once past the threshold, so a WAL that works peaks a little above the threshold; one
/// more threshold allows for the growth between two checks, and 16 MiB for the pages of the batches in progress.
/// A WAL past that is not being truncated.</item>
/// <item>Memory stays bounded: the working set at the end is at most 1.5 × the largest working set of the first
/// minute. The first minute holds the JIT, tiering, the GC settling on its budgets and the pools filling up; a leak
/// that grows with the messages handled (millions of them) shows as growth past that. A run shorter than a minute
/// cannot show it: its end is inside its first minute, and the rule holds trivially.</item>
/// </list>
/// </summary>
public static class SoakRules
{
    /// <summary>The slack of the WAL bound beyond twice the truncation threshold.</summary>
    public const long WalSlackBytes = 16L * 1024 * 1024;

    /// <summary>How much larger than in its first minute the working set may be at the end.</summary>
    public const double WorkingSetGrowth = 1.5;

    /// <summary>The most bytes the WAL may ever hold.</summary>
    public static long WalBoundBytes(WriteAheadLog wal) => (2 * wal.TruncateThreshold) + WalSlackBytes;

    /// <summary>The rules the soak broke; empty when it is correct.</summary>
    public static IReadOnlyList<string> Check(SoakOutcome outcome, WriteAheadLog? wal)
    {
        var broken = new List<string>();
        if (outcome.Failure is not null || !outcome.Drained || outcome.Lost != 0 || outcome.Duplicates != 0 || outcome.Unexpected != 0)
        {
            broken.Add($"not exactly once: drained {outcome.Drained}, lost {outcome.Lost}, duplicates {outcome.Duplicates}, unexpected {outcome.Unexpected}"
                + (outcome.Failure is null ? "" : $", producer failed: {outcome.Failure.Message}"));
        }

        if (wal is not null && outcome.Peaks.MaxWalBytes > WalBoundBytes(wal))
        {
            broken.Add($"WAL not bounded: it reached {outcome.Peaks.MaxWalBytes} bytes, bound {WalBoundBytes(wal)} (2 x {wal.TruncateThreshold} + {WalSlackBytes})");
        }

        var peaks = outcome.Peaks;
        if (peaks.LastWorkingSetBytes > WorkingSetGrowth * peaks.FirstMinuteWorkingSetBytes)
        {
            broken.Add($"memory not bounded: working set {peaks.LastWorkingSetBytes} bytes at the end, more than {WorkingSetGrowth} x {peaks.FirstMinuteWorkingSetBytes} (the first minute's largest)");
        }

        return broken;
    }
}
