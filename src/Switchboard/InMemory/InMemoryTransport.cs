using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.InMemory;

/// <summary>A connection of one bus to an <see cref="InMemoryNetwork"/>.</summary>
public sealed class InMemoryTransport(InMemoryNetwork network) : IOrderedTransport, IQueueStatistics, IScheduledMessages
{
    private readonly InMemoryDeadLetterQueue _deadLetters = new(network);

    /// <inheritdoc />
    public string Name => "inmemory";

    /// <inheritdoc />
    public IDeadLetterQueue DeadLetters => _deadLetters;

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ParkedKey>> ListParkedKeysAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_deadLetters.ListParkedKeys(queue, skip, take));

    /// <inheritdoc />
    public ValueTask<QueueStatistics?> GetQueueStatisticsAsync(string queue, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(network.Find(queue) is { } found ? new QueueStatistics(found.Ready.Count, Consumers: null) : null);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<ScheduledMessage>> ListScheduledAsync(string queue, int max, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyList<ScheduledMessage>>([.. network.Scheduler.Scheduled(queue, max).Select(s => new ScheduledMessage(s.Message.Envelope, s.At))]);

    /// <inheritdoc />
    public ValueTask StartAsync(CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    /// <inheritdoc />
    public ValueTask DeclareEndpointAsync(EndpointDeclaration endpoint, CancellationToken cancellationToken = default)
    {
        var declared = network.Declare(endpoint.Queue, endpoint.Topics);
        if (endpoint.Ordered)
        {
            declared.Order();
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask SendAsync(string queue, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default)
    {
        var target = network.Find(queue) ?? throw new UnroutableMessageException($"Queue '{queue}' does not exist; no endpoint declared it.");
        return target.EnqueueAsync(envelope, deliverAt, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask PublishAsync(string topic, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default)
    {
        var subscribers = network.SubscribersOf(topic);
        for (var i = 0; i < subscribers.Length; i++)
        {
            var enqueued = subscribers[i].EnqueueAsync(envelope, deliverAt, cancellationToken);
            if (!enqueued.IsCompletedSuccessfully)
            {
                return PublishRestAsync(enqueued, subscribers, i + 1, envelope, deliverAt, cancellationToken);
            }
        }

        return ValueTask.CompletedTask;
    }

    // A subscriber's queue was full: wait for it, then go on with the others.
    private static async ValueTask PublishRestAsync(ValueTask waiting, System.Collections.Immutable.ImmutableArray<InMemoryQueue> subscribers, int next, Envelope envelope, DateTimeOffset? deliverAt, CancellationToken cancellationToken)
    {
        await waiting.ConfigureAwait(false);
        for (var i = next; i < subscribers.Length; i++)
        {
            await subscribers[i].EnqueueAsync(envelope, deliverAt, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public ValueTask<ITransportReceiver> CreateReceiverAsync(string queue, ReceiverOptions options, CancellationToken cancellationToken = default)
    {
        var source = network.Find(queue) ?? throw new InvalidOperationException($"Queue '{queue}' does not exist; declare the endpoint first.");
        return ValueTask.FromResult<ITransportReceiver>(new InMemoryReceiver(source, options));
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
