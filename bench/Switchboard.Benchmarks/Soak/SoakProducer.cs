using Switchboard.Benchmarks.Measurement;

namespace Switchboard.Benchmarks.Soak;

/// <summary>
/// The windowed producer of the protocol (W = 1,000 in flight, batches of B = 100 started together and awaited
/// together), run until asked to stop instead of for N items. It stops only between batches, so every send it
/// started has completed (committed) when it returns, and the items sent are exactly those the tracker counts.
/// The caller starts the tracker's clock.
/// </summary>
public static class SoakProducer
{
    /// <summary>
    /// Sends items until <paramref name="stopProducing"/> is cancelled (or the <see cref="int"/> sequence numbers run
    /// out); <paramref name="abort"/> cancels sends in progress.
    /// </summary>
    public static async Task RunAsync(SoakTracker run, Func<int, CancellationToken, ValueTask> startItem, CancellationToken stopProducing, CancellationToken abort)
    {
        var pending = new ValueTask[BenchmarkSettings.Batch];
        using var waitForRoom = CancellationTokenSource.CreateLinkedTokenSource(stopProducing, abort);
        for (var first = 0; first <= int.MaxValue - BenchmarkSettings.Batch; first += BenchmarkSettings.Batch)
        {
            try
            {
                await run.WaitForHandledAsync(first + BenchmarkSettings.Batch - BenchmarkSettings.Window, waitForRoom.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stopProducing.IsCancellationRequested && !abort.IsCancellationRequested)
            {
                return;
            }

            if (stopProducing.IsCancellationRequested)
            {
                return;
            }

            for (var i = 0; i < BenchmarkSettings.Batch; i++)
            {
                run.MarkSent(first + i);
#pragma warning disable CA2012 // Held only until the loop below awaits each exactly once: started together, awaited together.
                pending[i] = startItem(first + i, abort);
#pragma warning restore CA2012
            }

            for (var i = 0; i < BenchmarkSettings.Batch; i++)
            {
                await pending[i].ConfigureAwait(false);
                pending[i] = default;
            }
        }
    }
}
