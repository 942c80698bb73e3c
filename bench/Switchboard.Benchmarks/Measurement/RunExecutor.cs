using Switchboard.Benchmarks.Systems;

namespace Switchboard.Benchmarks.Measurement;

/// <summary>Runs one pass of a scenario against a started system: the windowed producer, the wait for the last completion, the timeout.</summary>
public static class RunExecutor
{
    // After the last completion, late duplicates or strays still get this long to show up before the counters are read.
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    /// <summary>Makes <paramref name="run"/> the current run and drives it to its end (or the timeout).</summary>
    public static async Task<RunOutcome> RunAsync(IBenchmarkDriver driver, CurrentRun current, RunTracker run, TimeSpan timeout, CancellationToken cancellationToken)
    {
        current.Tracker = run;
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var before = ProcessCost.Now();
        var producing = Task.Run(() => WindowedProducer.RunAsync(run, (sequence, token) => driver.StartItemAsync(run, sequence, token), stop.Token), CancellationToken.None);
        var deadline = Task.Delay(timeout, stop.Token);

        var first = await Task.WhenAny(producing, deadline).ConfigureAwait(false);
        if (first == producing && producing.IsCompletedSuccessfully)
        {
            await Task.WhenAny(run.AllHandled, deadline).ConfigureAwait(false);
        }

        var cost = ProcessCost.Now().Since(before);
        var finished = run.AllHandled.IsCompleted;
        await stop.CancelAsync().ConfigureAwait(false);
        Exception? failure = null;
        try
        {
            await producing.ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested && !finished)
        {
            // Stopped by the timeout, which is reported as such.
        }
        catch (Exception e)
        {
            failure = e;
        }

        await Task.Delay(Settle, cancellationToken).ConfigureAwait(false);
        return new RunOutcome(run.Snapshot(), finished, failure, cost);
    }
}
