namespace Switchboard.Benchmarks.Measurement;

/// <summary>
/// A count that handlers increase and one task (the windowed producer) waits on until it reaches a target.
/// Increasing costs one interlocked operation and a read; only one waiter at a time is supported.
/// </summary>
public sealed class ProgressCounter
{
    private long _value;
    private long _wakeAt = long.MaxValue;
    private TaskCompletionSource? _waiter;

    /// <summary>The count now.</summary>
    public long Value => Volatile.Read(ref _value);

    /// <summary>Adds one and wakes the waiter if its target is reached; returns the new count.</summary>
    public long Increment()
    {
        var value = Interlocked.Increment(ref _value);
        if (value >= Volatile.Read(ref _wakeAt))
        {
            Interlocked.Exchange(ref _waiter, null)?.TrySetResult();
        }

        return value;
    }

    /// <summary>Waits until the count is at least <paramref name="target"/>.</summary>
    public async ValueTask WaitForAsync(long target, CancellationToken cancellationToken)
    {
        while (Volatile.Read(ref _value) < target)
        {
            var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _waiter, waiter);
            Interlocked.Exchange(ref _wakeAt, target);

            // Re-check after publishing the target (full fence above): an increment that raced it wakes us or is seen here.
            if (Volatile.Read(ref _value) >= target)
            {
                Interlocked.CompareExchange(ref _waiter, null, waiter);
                return;
            }

            await waiter.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}
