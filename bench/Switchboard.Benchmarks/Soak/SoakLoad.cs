using System.Diagnostics;
using Switchboard.Benchmarks.Systems;

namespace Switchboard.Benchmarks.Soak;

/// <summary>
/// One soak on a started system: the windowed producer for <see cref="BenchmarkSettings.Duration"/>, watched by the
/// sampler; then the drain (the last batch committed and every item sent handled, within
/// <see cref="BenchmarkSettings.Timeout"/>); then a short settle for late duplicates before the figures are read.
/// </summary>
public static class SoakLoad
{
    private static readonly TimeSpan Settle = TimeSpan.FromMilliseconds(200);

    /// <summary>Runs the soak, reporting completions to <paramref name="run"/>, which must be the current run.</summary>
    public static async Task<SoakOutcome> RunAsync(IBenchmarkDriver driver, SoakTracker run, BenchmarkSettings settings, TextWriter log, CancellationToken cancellationToken)
    {
        using var stopProducing = new CancellationTokenSource();
        using var abort = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using var stopSampling = new CancellationTokenSource();
        var wal = driver.WriteAheadLog;
        run.Start();
        var sampling = SoakSampler.RunAsync(run, wal, log, stopSampling.Token);
        var producing = Task.Run(() => SoakProducer.RunAsync(run, (sequence, token) => driver.StartItemAsync(run, sequence, token), stopProducing.Token, abort.Token), CancellationToken.None);

        if (await Task.WhenAny(producing, Task.Delay(settings.Duration, cancellationToken)).ConfigureAwait(false) == producing && producing.IsCompletedSuccessfully)
        {
            log.WriteLine($"# the producer ran out of sequence numbers after {Stopwatch.GetElapsedTime(run.StartedAt).TotalSeconds:F0} s: the load stopped early");
        }

        await stopProducing.CancelAsync().ConfigureAwait(false);

        var drainDeadline = Task.Delay(settings.Timeout, cancellationToken);
        if (await Task.WhenAny(producing, drainDeadline).ConfigureAwait(false) == producing && producing.IsCompletedSuccessfully)
        {
            await Task.WhenAny(run.WaitForHandledAsync(run.Sent, abort.Token).AsTask(), drainDeadline).ConfigureAwait(false);
        }

        var drained = producing.IsCompletedSuccessfully && run.Handled >= run.Sent;
        await abort.CancelAsync().ConfigureAwait(false);
        var failure = await FailureOf(producing).ConfigureAwait(false);
        await Task.Delay(Settle, cancellationToken).ConfigureAwait(false);
        await stopSampling.CancelAsync().ConfigureAwait(false);
        var peaks = await sampling.ConfigureAwait(false);

        var end = drained ? run.LastHandledAt : Stopwatch.GetTimestamp();
        return new SoakOutcome(
            run.Sent,
            run.Handled,
            run.Duplicates,
            run.Unexpected,
            drained,
            failure,
            Stopwatch.GetElapsedTime(run.StartedAt, end),
            run.Latency,
            peaks,
            wal?.CurrentBytes());
    }

    private static async Task<Exception?> FailureOf(Task producing)
    {
        try
        {
            await producing.ConfigureAwait(false);
            return null;
        }
        catch (OperationCanceledException)
        {
            // Aborted at the drain's deadline, which "not drained" reports.
            return null;
        }
        catch (Exception e)
        {
            return e;
        }
    }
}
