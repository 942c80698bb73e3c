using System.Diagnostics;
using Switchboard.Benchmarks.Systems;

namespace Switchboard.Benchmarks.Soak;

/// <summary>
/// Watches a soak from its start until stopped: every 250 ms it reads the WAL size and the working set (so that
/// short peaks count), every 5 s it prints a <see cref="SoakSample"/> on stderr, and when stopped it prints a last
/// one, labelled <c>end</c>.
/// </summary>
public static class SoakSampler
{
    private static readonly TimeSpan ObserveEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan SampleEvery = TimeSpan.FromSeconds(5);

    /// <summary>Watches until <paramref name="stop"/> is cancelled; returns what it saw.</summary>
    public static async Task<SoakPeaks> RunAsync(SoakTracker run, WriteAheadLog? wal, TextWriter log, CancellationToken stop)
    {
        var peaks = new SoakPeaks();
        var previous = (Elapsed: TimeSpan.Zero, Handled: 0L);
        var nextSample = SampleEvery;
        using var timer = new PeriodicTimer(ObserveEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
            {
                var elapsed = Observe(run, wal, peaks);
                if (elapsed >= nextSample)
                {
                    previous = Print(run, wal, log, "sample", previous);
                    nextSample += SampleEvery;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // Stopped: the run is over.
        }

        Observe(run, wal, peaks);
        Print(run, wal, log, "end", previous);
        return peaks;
    }

    private static TimeSpan Observe(SoakTracker run, WriteAheadLog? wal, SoakPeaks peaks)
    {
        var elapsed = Stopwatch.GetElapsedTime(run.StartedAt);
        peaks.Observe(elapsed, wal?.CurrentBytes(), Environment.WorkingSet);
        return elapsed;
    }

    private static (TimeSpan Elapsed, long Handled) Print(SoakTracker run, WriteAheadLog? wal, TextWriter log, string label, (TimeSpan Elapsed, long Handled) previous)
    {
        var elapsed = Stopwatch.GetElapsedTime(run.StartedAt);
        var handled = run.Handled;
        var interval = (elapsed - previous.Elapsed).TotalSeconds;
        var sample = new SoakSample(
            elapsed,
            handled,
            interval > 0 ? (handled - previous.Handled) / interval : 0,
            run.Sent - handled,
            wal?.CurrentBytes(),
            Environment.WorkingSet,
            GC.GetTotalMemory(forceFullCollection: false),
            GC.GetGCMemoryInfo().TotalCommittedBytes,
            run.OpenChunks);
        log.WriteLine(sample.Describe(label));
        return (elapsed, handled);
    }
}
