using System.Collections.Concurrent;
using System.Diagnostics;
using Aspire.Hosting.ApplicationModel;

namespace Shop.AppHost;

/// <summary>
/// The process of every service resource, as the orchestrator reports it, so that the AppHost ends only once they have:
/// the orchestrator stops them (SIGTERM, then their graceful shutdown) after the AppHost itself has stopped, and a
/// launcher that returned earlier would hand back a terminal with services still shutting down.
/// </summary>
internal sealed class ServiceProcesses(ResourceNotificationService notifications)
{
    // The property the orchestrator reports an executable's process id in (the dashboard's "Process ID").
    private const string ProcessIdProperty = "executable.pid";

    private readonly ConcurrentDictionary<string, int> _processIds = new(StringComparer.Ordinal);

    /// <summary>Records process ids until <paramref name="cancellationToken"/> ends the watch.</summary>
    public async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                if (update.Snapshot.Properties.FirstOrDefault(p => p.Name == ProcessIdProperty)?.Value is { } value
                    && int.TryParse(Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture), out var processId))
                {
                    _processIds[update.ResourceId] = processId;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Waits until every recorded process has exited; kills those still running after <paramref name="patience"/> and names them.</summary>
    public async Task<IReadOnlyList<string>> WaitForExitAsync(TimeSpan patience)
    {
        using var timeout = new CancellationTokenSource(patience);
        var running = new List<string>();
        foreach (var (resource, processId) in _processIds)
        {
            try
            {
                using var process = Process.GetProcessById(processId);
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (ArgumentException)
            {
                // Gone already.
            }
            catch (OperationCanceledException)
            {
                // Not before the launcher stops the servers under it.
                running.Add($"{resource} (pid {processId})");
                KillTree(processId);
            }
        }

        return running;
    }

    private static void KillTree(int processId)
    {
        try
        {
            using var process = Process.GetProcessById(processId);
            process.Kill(entireProcessTree: true);
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // Gone meanwhile.
        }
    }
}
