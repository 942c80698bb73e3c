using Switchboard.InMemory;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Console.Tests;

/// <summary>
/// The in-memory transport as an <see cref="IOrderedTransport"/>, until it is one itself: it keeps no order, but reports
/// the parked keys an ordered one would, from its dead letters (the oldest of each ordering key parks it), with the
/// waiting counts a test sets in <see cref="Waiting"/>. Deleting or re-driving a dead letter releases its key, as there.
/// </summary>
internal sealed class ParkingTransport(InMemoryTransport inner) : IOrderedTransport, IQueueStatistics, IScheduledMessages
{
    /// <summary>How many messages wait behind each key (none when absent).</summary>
    public Dictionary<string, long> Waiting { get; } = new(StringComparer.Ordinal);

    public string Name => inner.Name;

    public IDeadLetterQueue DeadLetters => inner.DeadLetters;

    public async ValueTask<IReadOnlyList<ParkedKey>> ListParkedKeysAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default)
    {
        var letters = await inner.DeadLetters.ListAsync(queue, 0, int.MaxValue, cancellationToken);
        return [.. letters
            .Where(d => d.OrderingKey is not null)
            .DistinctBy(d => d.OrderingKey)
            .Select(d => new ParkedKey(d.OrderingKey!, queue, d.Id, Waiting.GetValueOrDefault(d.OrderingKey!)))
            .Skip(skip)
            .Take(take)];
    }

    public ValueTask<QueueStatistics?> GetQueueStatisticsAsync(string queue, CancellationToken cancellationToken = default) =>
        inner.GetQueueStatisticsAsync(queue, cancellationToken);

    public ValueTask<IReadOnlyList<ScheduledMessage>> ListScheduledAsync(string queue, int max, CancellationToken cancellationToken = default) =>
        inner.ListScheduledAsync(queue, max, cancellationToken);

    public ValueTask StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public ValueTask DeclareEndpointAsync(EndpointDeclaration endpoint, CancellationToken cancellationToken = default) =>
        inner.DeclareEndpointAsync(endpoint, cancellationToken);

    public ValueTask SendAsync(string queue, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default) =>
        inner.SendAsync(queue, envelope, deliverAt, cancellationToken);

    public ValueTask PublishAsync(string topic, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default) =>
        inner.PublishAsync(topic, envelope, deliverAt, cancellationToken);

    public ValueTask<ITransportReceiver> CreateReceiverAsync(string queue, ReceiverOptions options, CancellationToken cancellationToken = default) =>
        inner.CreateReceiverAsync(queue, options, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
