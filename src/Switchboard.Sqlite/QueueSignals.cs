using System.Collections.Concurrent;

namespace Switchboard.Sqlite;

/// <summary>Wakes a process's receivers of a queue when messages may have become visible in it.</summary>
internal sealed class QueueSignals
{
    private readonly ConcurrentDictionary<string, Signal> _signals = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next pulse of the queue. Take it before looking, so no pulse is missed.</summary>
    public Task Next(string queue) => _signals.GetOrAdd(queue, static _ => new Signal()).Next;

    public void Pulse(string queue)
    {
        if (_signals.TryGetValue(queue, out var signal))
        {
            signal.Pulse();
        }
    }

    public void PulseAll()
    {
        foreach (var signal in _signals.Values)
        {
            signal.Pulse();
        }
    }

    private sealed class Signal
    {
        private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Next => Volatile.Read(ref _next).Task;

        public void Pulse() => Interlocked.Exchange(ref _next, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
