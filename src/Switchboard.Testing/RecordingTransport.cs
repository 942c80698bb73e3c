using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Testing;

/// <summary>
/// The harness's transport: the in-memory one, recording what the bus sends and publishes. A send to a queue that no
/// endpoint of this bus declared (another service's) is kept in that queue, where the test can see it, instead of failing.
/// </summary>
internal sealed class RecordingTransport(InMemoryTransport inner, HarnessRecorder recorder, BusConfiguration configuration, TimeProvider time)
    : IOrderedTransport, IQueueStatistics, IScheduledMessages
{
    public string Name => inner.Name;

    public IDeadLetterQueue DeadLetters => inner.DeadLetters;

    public ValueTask<IReadOnlyList<ParkedKey>> ListParkedKeysAsync(string queue, int skip = 0, int take = 100, CancellationToken cancellationToken = default) =>
        inner.ListParkedKeysAsync(queue, skip, take, cancellationToken);

    public ValueTask StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    public ValueTask DeclareEndpointAsync(EndpointDeclaration endpoint, CancellationToken cancellationToken = default) =>
        inner.DeclareEndpointAsync(endpoint, cancellationToken);

    public async ValueTask SendAsync(string queue, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default)
    {
        recorder.AddSent(Record(queue, envelope, deliverAt));
        try
        {
            await inner.SendAsync(queue, envelope, deliverAt, cancellationToken).ConfigureAwait(false);
        }
        catch (UnroutableMessageException)
        {
            await inner.DeclareEndpointAsync(new EndpointDeclaration(queue, []), cancellationToken).ConfigureAwait(false);
            await inner.SendAsync(queue, envelope, deliverAt, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask PublishAsync(string topic, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default)
    {
        recorder.AddPublished(Record(topic, envelope, deliverAt));
        return inner.PublishAsync(topic, envelope, deliverAt, cancellationToken);
    }

    public ValueTask<ITransportReceiver> CreateReceiverAsync(string queue, ReceiverOptions options, CancellationToken cancellationToken = default) =>
        inner.CreateReceiverAsync(queue, options, cancellationToken);

    public ValueTask<QueueStatistics?> GetQueueStatisticsAsync(string queue, CancellationToken cancellationToken = default) =>
        inner.GetQueueStatisticsAsync(queue, cancellationToken);

    public ValueTask<IReadOnlyList<ScheduledMessage>> ListScheduledAsync(string queue, int max, CancellationToken cancellationToken = default) =>
        inner.ListScheduledAsync(queue, max, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();

    private DispatchedMessage Record(string destination, Envelope envelope, DateTimeOffset? deliverAt) => new()
    {
        Envelope = envelope,
        Message = Read(configuration, envelope),
        At = time.GetUtcNow(),
        Destination = destination,
        DeliverAt = deliverAt,
    };

    /// <summary>The message in <paramref name="envelope"/> as its registered type; null when it cannot be read.</summary>
    public static object? Read(BusConfiguration configuration, Envelope envelope)
    {
        if (!configuration.Registry.TryGetType(envelope.MessageType, out var type))
        {
            return null;
        }

        try
        {
            return configuration.Serializer.Deserialize(envelope.Body, type);
        }
        catch (Serialization.MessageBodyException)
        {
            return null;
        }
    }
}
