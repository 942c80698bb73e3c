using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Events;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// The parking log of an ordered endpoint: the stream <see cref="OrderingNames.ParkingLog"/>, written through the
/// direct exchange <see cref="OrderingNames.ParkingExchange"/> (routing key: the stream's name), which records which keys
/// a dead letter parks. The state lives in the broker because the partition consumer that parked a key may crash: the
/// next one learns the partition's parked keys by reading the whole log (<see cref="ReadAsync"/>).
/// </summary>
/// <remarks>
/// Records are written by confirmed, mandatory publishes (<see cref="ParkingRecordCodec"/> has the format). A stream
/// over AMQP 0.9.1 has no end-of-stream signal, so a read first appends a marker of its own (confirmed: it is then in
/// the stream, after every record confirmed before it) and consumes from the first offset until it sees that marker.
/// Stream consumers do not take messages away, so any number of readers run at once without holding anything the
/// others need. Each read leaves one small marker behind: the log grows with reads as well as with parked keys.
/// </remarks>
internal sealed class ParkingLog(IConnection connection, AmqpPublisher publisher, string queue, ILogger? logger = null)
{
    // Credit a stream consumer gets: larger reads faster; acknowledgements (in batches of half) only return credit.
    private const ushort Prefetch = 500;

    private readonly ILogger _logger = logger ?? NullLogger.Instance;

    /// <summary>The stream's name.</summary>
    public string Stream { get; } = OrderingNames.ParkingLog(queue);

    /// <summary>Appends a record; returns when the broker confirmed it (a missing log or exchange raises).</summary>
    public ValueTask AppendAsync(ParkingRecord record, CancellationToken cancellationToken) =>
        publisher.PublishAsync(OrderingNames.ParkingExchange(queue), Stream, ParkingRecordCodec.Encode(record), mandatory: true, cancellationToken);

    /// <summary>
    /// Reads the whole log and folds it: the keys parked or draining now, in the order they were (last) parked. Every
    /// record confirmed before the call is included.
    /// </summary>
    public async ValueTask<IReadOnlyList<ParkedKeyState>> ReadAsync(CancellationToken cancellationToken)
    {
        var marker = Guid.NewGuid().ToString("N");
        await publisher.PublishAsync(OrderingNames.ParkingExchange(queue), Stream, ParkingRecordCodec.Marker(marker), mandatory: true, cancellationToken).ConfigureAwait(false);
        return Fold(await ReadUntilAsync(marker, cancellationToken).ConfigureAwait(false));
    }

    /// <summary>
    /// The keys parked or draining after <paramref name="records"/>, in the order they were last parked. A draining
    /// record keeps the key's place (or, without a parked record before it, takes the next); a released one removes it.
    /// </summary>
    internal static IReadOnlyList<ParkedKeyState> Fold(IEnumerable<ParkingRecord> records)
    {
        var keys = new Dictionary<string, (ParkedKeyState State, long Order)>(StringComparer.Ordinal);
        var next = 0L;
        foreach (var record in records)
        {
            switch (record.Kind)
            {
                case ParkingRecordKind.Parked:
                    keys[record.Key] = (new ParkedKeyState(record.Key, record.DeadLetterId!, Draining: false), next++);
                    break;
                case ParkingRecordKind.Draining:
                    var order = keys.TryGetValue(record.Key, out var held) ? held.Order : next++;
                    keys[record.Key] = (new ParkedKeyState(record.Key, record.DeadLetterId!, Draining: true), order);
                    break;
                case ParkingRecordKind.Released:
                    keys.Remove(record.Key);
                    break;
            }
        }

        return [.. keys.Values.OrderBy(k => k.Order).Select(k => k.State)];
    }

    private async Task<List<ParkingRecord>> ReadUntilAsync(string marker, CancellationToken cancellationToken)
    {
        var records = new List<ParkingRecord>();
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (channel.ConfigureAwait(false))
        {
            channel.ChannelShutdownAsync += (_, reason) =>
            {
                done.TrySetException(new InvalidOperationException($"Reading the parking log '{Stream}' stopped: the channel closed ({reason.ReplyCode} {reason.ReplyText})."));
                return Task.CompletedTask;
            };
            await channel.BasicQosAsync(0, Prefetch, global: false, cancellationToken).ConfigureAwait(false);
            var unacknowledged = 0;
            var consumer = new AsyncEventingBasicConsumer(channel);
            // Deliveries of one channel are dispatched one at a time, in stream order: the list needs no lock.
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                if (done.Task.IsCompleted)
                {
                    return;
                }

                var entry = ParkingRecordCodec.Decode(delivery.BasicProperties.Type, delivery.Body.Span);
                if (entry.MarkerId == marker)
                {
                    done.TrySetResult();
                    return;
                }

                if (entry.Record is { } record)
                {
                    records.Add(record);
                }
                else if (entry.Problem is { } problem && _logger.IsEnabled(LogLevel.Warning))
                {
                    _logger.LogWarning("Skipped a malformed record of the parking log {Stream} (message {MessageId}): {Problem}", Stream, delivery.BasicProperties.MessageId, problem);
                }

                if (++unacknowledged >= Prefetch / 2)
                {
                    unacknowledged = 0;
                    await channel.BasicAckAsync(delivery.DeliveryTag, multiple: true, CancellationToken.None).ConfigureAwait(false);
                }
            };
            var arguments = new Dictionary<string, object?> { ["x-stream-offset"] = "first" };
            await channel.BasicConsumeAsync(Stream, autoAck: false, consumerTag: "", noLocal: false, exclusive: false, arguments, consumer, cancellationToken).ConfigureAwait(false);
            using (cancellationToken.Register(() => done.TrySetCanceled(cancellationToken)))
            {
                // A stream that does not deliver (after a broker restart, before it has a leader again) must not hold
                // a partition's consumer forever: the reader gives up, and its caller starts over.
                await done.Task.WaitAsync(ReadTimeout, CancellationToken.None).ConfigureAwait(false);
            }

            // Closing the channel ends the consumer: a stream keeps everything, so there is nothing to give back.
            await CloseAsync(channel).ConfigureAwait(false);
        }

        return records;
    }

    /// <summary>The longest a read waits for its marker.</summary>
    internal static TimeSpan ReadTimeout { get; } = TimeSpan.FromSeconds(15);

    private static async Task CloseAsync(IChannel channel)
    {
        try
        {
            await channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.AlreadyClosedException or global::RabbitMQ.Client.Exceptions.OperationInterruptedException or IOException)
        {
            // Closed already.
        }
    }
}
