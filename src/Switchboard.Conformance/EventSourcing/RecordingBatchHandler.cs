using System.Collections.Concurrent;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Subscriptions;

namespace Switchboard.Conformance.EventSourcing;

/// <summary>A subscription handler that records every event it is handed, and can be told to fail.</summary>
public sealed class RecordingBatchHandler : IEventBatchHandler
{
    private readonly ConcurrentQueue<RecordedEvent> _seen = new();
    private int _failuresLeft;

    /// <summary>Every event handed over, in order, including those of batches that then failed.</summary>
    public IReadOnlyList<RecordedEvent> Seen => _seen.ToArray();

    /// <summary>How many batches have failed on purpose.</summary>
    public int Failures { get; private set; }

    /// <summary>Which events make a batch fail while failures are left (see <see cref="FailNext"/>).</summary>
    public Func<RecordedEvent, bool>? FailOn { get; set; }

    /// <summary>Time taken per batch (to let lag build up).</summary>
    public TimeSpan Delay { get; set; }

    /// <summary>Makes the next <paramref name="failures"/> batches that contain a <see cref="FailOn"/> event fail.</summary>
    public void FailNext(int failures, Func<RecordedEvent, bool> on)
    {
        FailOn = on;
        _failuresLeft = failures;
    }

    /// <inheritdoc />
    public async ValueTask HandleAsync(EventBatch batch, CancellationToken cancellationToken)
    {
        if (Delay > TimeSpan.Zero)
        {
            await Task.Delay(Delay, cancellationToken).ConfigureAwait(false);
        }

        foreach (var recorded in batch.Events)
        {
            _seen.Enqueue(recorded);
            if (_failuresLeft > 0 && FailOn?.Invoke(recorded) == true)
            {
                _failuresLeft--;
                Failures++;
                throw new InvalidOperationException($"Failing on purpose at event {recorded.Position}.");
            }
        }
    }
}
