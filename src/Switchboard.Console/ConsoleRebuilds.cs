using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.EventSourcing.Hosting;

namespace Switchboard.Console;

/// <summary>
/// Rebuilds started from the console: each runs in the background (a rebuild reads every event, far longer than a
/// request should wait) until it ends or the application stops; a failure is kept to be shown until the next rebuild.
/// </summary>
internal sealed class ConsoleRebuilds(IHostApplicationLifetime lifetime, ILogger<ConsoleRebuilds> logger)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _failures = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> Failures => _failures;

    /// <summary>Starts a rebuild of <paramref name="name"/>; false when one started here still runs.</summary>
    public bool Start(EventSourcingRuntime runtime, string name)
    {
        lock (_lock)
        {
            if (_running.TryGetValue(name, out var running) && !running.IsCompleted)
            {
                return false;
            }

            _running[name] = RunAsync(runtime, name);
            return true;
        }
    }

    private async Task RunAsync(EventSourcingRuntime runtime, string name)
    {
        await Task.Yield();
        _failures.TryRemove(name, out _);
        try
        {
            await runtime.RebuildAsync(name, lifetime.ApplicationStopping).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            logger.LogError(e, "The rebuild of projection {Projection} started from the console failed", name);
            _failures[name] = e.Message;
        }
    }
}
