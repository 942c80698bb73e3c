namespace Switchboard.RabbitMQ;

/// <summary>
/// Delayed delivery without broker plugins, through a chain of a fixed number of queues (<see cref="Topology.DelayRoute"/>):
/// the queue of level k holds messages for 2^k ms, then dead-letters them to the next level; the routing key's binary
/// digits choose the levels a message waits in, and its last words its destination. The chain is declared (or, for a
/// provisioned topology, checked) by <paramref name="provide"/> once, when the first delayed message goes out; a failed
/// attempt is made again by the next one.
/// </summary>
internal sealed class DelayQueues(Func<Task> provide)
{
    private readonly Lock _gate = new();
    private Task? _ready;

    public Task EnsureAsync(CancellationToken cancellationToken)
    {
        var ready = _ready;
        if (ready is { IsCompletedSuccessfully: true })
        {
            return Task.CompletedTask;
        }

        lock (_gate)
        {
            if (_ready is null || _ready.IsFaulted || _ready.IsCanceled)
            {
                _ready = provide();
            }

            return _ready.WaitAsync(cancellationToken);
        }
    }
}
