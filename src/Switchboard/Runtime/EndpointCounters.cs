using Switchboard.Operations;
using Switchboard.Pipeline;

namespace Switchboard.Runtime;

/// <summary>
/// What one endpoint of this process has done since it started: totals, the messages in its pipeline now, and the last
/// minute's counts (twelve buckets of five seconds, so a rate moves smoothly without a timer). Thread-safe.
/// </summary>
internal sealed class EndpointCounters(TimeProvider time)
{
    private const int Buckets = 12;
    private static readonly long BucketTicks = TimeSpan.FromSeconds(5).Ticks;

    private readonly Lock _lock = new();
    private readonly (long Slot, long Handled, long Failed, long DeadLettered)[] _recent = new (long, long, long, long)[Buckets];
    private long _inFlight;
    private long _handled;
    private long _failedAttempts;
    private long _deferred;
    private long _deadLettered;

    /// <summary>
    /// Counts every delivery through <paramref name="pipeline"/> by how it was settled. A delivery that goes back to its
    /// queue unsettled (the endpoint is stopping) or whose pipeline threw is in flight while it runs and counts nothing.
    /// </summary>
    public ReceiveDelegate Around(ReceiveDelegate pipeline) => context =>
    {
        Interlocked.Increment(ref _inFlight);
        ValueTask pending;
        try
        {
            pending = pipeline(context);
        }
        catch
        {
            Interlocked.Decrement(ref _inFlight);
            throw;
        }

        if (pending.IsCompletedSuccessfully)
        {
            pending.GetAwaiter().GetResult();
            Interlocked.Decrement(ref _inFlight);
            Count(context);
            return ValueTask.CompletedTask;
        }

        return AwaitThenCountAsync(pending, context);
    };

    public EndpointCounts Read()
    {
        var now = Slot();
        long handled = 0, failed = 0, deadLettered = 0;
        lock (_lock)
        {
            foreach (var bucket in _recent)
            {
                if (bucket.Slot > now - Buckets)
                {
                    handled += bucket.Handled;
                    failed += bucket.Failed;
                    deadLettered += bucket.DeadLettered;
                }
            }

            return new EndpointCounts(Interlocked.Read(ref _inFlight), _handled, _failedAttempts, _deferred, _deadLettered, handled, failed, deadLettered);
        }
    }

    private async ValueTask AwaitThenCountAsync(ValueTask pending, ReceiveContext context)
    {
        try
        {
            await pending.ConfigureAwait(false);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }

        Count(context);
    }

    private void Count(ReceiveContext context)
    {
        if (context.Settlement == Settlement.Abandon)
        {
            return;
        }

        var failed = context.Settlement == Settlement.Complete ? Math.Max(0, context.Attempts - 1) : context.Attempts;
        var slot = Slot();
        lock (_lock)
        {
            ref var bucket = ref _recent[slot % Buckets];
            if (bucket.Slot != slot)
            {
                bucket = (slot, 0, 0, 0);
            }

            bucket.Failed += failed;
            _failedAttempts += failed;
            switch (context.Settlement)
            {
                case Settlement.Complete:
                    bucket.Handled++;
                    _handled++;
                    break;
                case Settlement.Defer:
                    _deferred++;
                    break;
                case Settlement.DeadLetter:
                    bucket.DeadLettered++;
                    _deadLettered++;
                    break;
            }
        }
    }

    private long Slot() => time.GetUtcNow().UtcTicks / BucketTicks;
}
