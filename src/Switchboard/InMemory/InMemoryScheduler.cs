namespace Switchboard.InMemory;

/// <summary>
/// Holds scheduled and deferred messages of a network until they are due, then hands them to their queue.
/// One background loop per network; it sleeps until the earliest due time or a new earlier message, on the network's
/// <see cref="TimeProvider"/>: with a fake clock, advancing it wakes the loop.
/// </summary>
internal sealed class InMemoryScheduler : IDisposable
{
    private readonly PriorityQueue<(InMemoryQueue Queue, StoredMessage Message), DateTimeOffset> _due = new();
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _wake = new(0);
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeProvider _time;

    public InMemoryScheduler(TimeProvider time)
    {
        _time = time;
        _ = Task.Run(RunAsync);
    }

    public DateTimeOffset Now => _time.GetUtcNow();

    public void Schedule(InMemoryQueue queue, StoredMessage message, DateTimeOffset at)
    {
        bool earliest;
        lock (_lock)
        {
            earliest = !_due.TryPeek(out _, out var first) || at < first;
            _due.Enqueue((queue, message), at);
        }

        if (earliest && _wake.CurrentCount == 0)
        {
            _wake.Release();
        }
    }

    /// <summary>Up to <paramref name="max"/> messages of <paramref name="queue"/> not due yet, the soonest first.</summary>
    public IReadOnlyList<(StoredMessage Message, DateTimeOffset At)> Scheduled(string queue, int max)
    {
        lock (_lock)
        {
            return [.. _due.UnorderedItems.Where(i => i.Element.Queue.Name == queue).OrderBy(i => i.Priority).Take(max).Select(i => (i.Element.Message, i.Priority))];
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        _stop.Dispose();
    }

    private async Task RunAsync()
    {
        var stop = _stop.Token;
        while (!stop.IsCancellationRequested)
        {
            var wait = ReleaseDue();
            try
            {
                await SleepAsync(wait, stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
        }
    }

    // Until woken (an earlier message), or until the wait has passed on the network's clock.
    private async Task SleepAsync(TimeSpan wait, CancellationToken stop)
    {
        if (wait == Timeout.InfiniteTimeSpan)
        {
            await _wake.WaitAsync(stop).ConfigureAwait(false);
            return;
        }

        using var due = new CancellationTokenSource(wait, _time);
        using var either = CancellationTokenSource.CreateLinkedTokenSource(stop, due.Token);
        try
        {
            await _wake.WaitAsync(either.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (due.IsCancellationRequested && !stop.IsCancellationRequested)
        {
            // The earliest message is due.
        }
    }

    // Hands over everything due and returns how long to sleep. A message is never handed over early.
    private TimeSpan ReleaseDue()
    {
        lock (_lock)
        {
            var now = _time.GetUtcNow();
            while (_due.TryPeek(out var item, out var at))
            {
                if (at > now)
                {
                    var wait = at - now;
                    return wait < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : wait;
                }

                _due.Dequeue();
                item.Queue.Return(item.Message);
            }

            return Timeout.InfiniteTimeSpan;
        }
    }
}
