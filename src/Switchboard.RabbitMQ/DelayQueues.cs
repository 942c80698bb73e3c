using global::RabbitMQ.Client;
using Switchboard.RabbitMQ.Topology;

namespace Switchboard.RabbitMQ;

/// <summary>
/// Delayed delivery without broker plugins, through a chain of a fixed number of queues (<see cref="DelayRoute"/>):
/// the queue of level k holds messages for 2^k ms, then dead-letters them to the next level; the routing key's binary
/// digits choose the levels a message waits in, and its last words its destination. The chain is declared (or, for a
/// provisioned topology, checked) once, when the first delayed message goes out.
/// </summary>
internal sealed class DelayQueues(IConnection connection)
{
    private readonly Lock _gate = new();
    private Task? _ready;

    public Task EnsureAsync(bool declare, CancellationToken cancellationToken)
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
                _ready = PrepareAsync(declare);
            }

            return _ready.WaitAsync(cancellationToken);
        }
    }

    private async Task PrepareAsync(bool declare)
    {
        var chain = RabbitMqTopology.DelayChain();
        if (!declare)
        {
            await chain.VerifyAsync(connection, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        await using var channel = await connection.CreateChannelAsync().ConfigureAwait(false);
        await chain.DeclareAsync(channel, CancellationToken.None).ConfigureAwait(false);
    }
}
