using System.Collections.Concurrent;
using Aspire.Hosting.ApplicationModel;

namespace Shop.AppHost;

/// <summary>
/// Says on the console when a Shop process ends while the AppHost runs (it crashed, or could not start), with its exit
/// code and the last lines it wrote: the orchestrator does not restart it, and without this the only trace of why was
/// in the dashboard, which a launcher's log or a test's output does not include.
/// </summary>
internal sealed class ServiceExits(ResourceNotificationService notifications, ResourceLoggerService logs, TextWriter console)
{
    private const int LinesKept = 40;

    private readonly ConcurrentDictionary<string, Queue<string>> _lastLines = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _reported = new(StringComparer.Ordinal);

    /// <summary>
    /// Keeps the last lines of every process of <paramref name="names"/> and reports each that ends, until
    /// <paramref name="stopping"/> (the AppHost's own stop, after which processes end because they were told to).
    /// </summary>
    public async Task WatchAsync(IReadOnlyCollection<string> names, CancellationToken stopping)
    {
        // Logs are kept per resource id (the orchestrator's name for one run of a resource), not per model name.
        var keeping = new List<Task>();
        try
        {
            await foreach (var update in notifications.WatchAsync(stopping))
            {
                var name = update.Resource.Name;
                if (!names.Contains(name))
                {
                    continue;
                }

                if (_lastLines.TryAdd(update.ResourceId, new Queue<string>(LinesKept)))
                {
                    keeping.Add(KeepLastLinesAsync(update.ResourceId, stopping));
                }

                if (update.Snapshot.State?.Text is { } state && KnownResourceStates.TerminalStates.Contains(state)
                    && !stopping.IsCancellationRequested && _reported.TryAdd(update.ResourceId, true))
                {
                    // The last lines may still be on their way from the orchestrator.
                    await Task.Delay(TimeSpan.FromSeconds(1), stopping);
                    await console.WriteLineAsync(Report(name, update.ResourceId, state, update.Snapshot.ExitCode));
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }

        await Task.WhenAll(keeping);
    }

    private async Task KeepLastLinesAsync(string resourceId, CancellationToken stopping)
    {
        var lines = _lastLines[resourceId];
        try
        {
            await foreach (var batch in logs.WatchAsync(resourceId).WithCancellation(stopping))
            {
                lock (lines)
                {
                    foreach (var line in batch)
                    {
                        if (lines.Count == LinesKept)
                        {
                            lines.Dequeue();
                        }

                        lines.Enqueue(line.Content);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private string Report(string name, string resourceId, string state, int? exitCode)
    {
        var lines = _lastLines[resourceId];
        string[] last;
        lock (lines)
        {
            last = [.. lines];
        }

        var code = exitCode is { } c ? $", exit code {c}" : "";
        var header = $"shop-apphost: {name} ended ({state}{code}) while the Shop runs; the orchestrator does not restart it.";
        return last.Length == 0
            ? header + " It wrote nothing."
            : header + $" Its last {last.Length} lines:" + Environment.NewLine + string.Join(Environment.NewLine, last.Select(l => $"  {name} | {l}"));
    }
}
