namespace Switchboard.Benchmarks.Measurement;

/// <summary>
/// The one producer task of the protocol: at most <see cref="BenchmarkSettings.Window"/> items in flight; it starts
/// <see cref="BenchmarkSettings.Batch"/> sends without awaiting them, then awaits all of them, and so on.
/// A batch starts only when the window has room for all of it.
/// </summary>
public static class WindowedProducer
{
    /// <summary>Sends every item of the run through <paramref name="startItem"/>.</summary>
    public static async Task RunAsync(RunTracker run, Func<int, CancellationToken, ValueTask> startItem, CancellationToken cancellationToken)
    {
        var pending = new ValueTask[BenchmarkSettings.Batch];
        run.Start();
        for (var first = 0; first < run.Items; first += BenchmarkSettings.Batch)
        {
            var count = Math.Min(BenchmarkSettings.Batch, run.Items - first);
            await run.WaitForCompletedAsync(first + count - BenchmarkSettings.Window, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                run.MarkSent(first + i);
#pragma warning disable CA2012 // Held only until the loop below awaits each exactly once: started together, awaited together.
                pending[i] = startItem(first + i, cancellationToken);
#pragma warning restore CA2012
            }

            // All were started above; awaiting them one by one is awaiting them together.
            for (var i = 0; i < count; i++)
            {
                await pending[i].ConfigureAwait(false);
                pending[i] = default;
            }
        }
    }
}
