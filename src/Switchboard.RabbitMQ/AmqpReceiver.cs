using System.Threading.Channels;
using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Events;
using Switchboard.Messages;
using Switchboard.RabbitMQ.Topology;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ;

/// <summary>
/// Consumes one queue on its own channel with <c>basic.qos</c> = prefetch and manual acknowledgements. The
/// broker pushes at most prefetch unacknowledged messages, so the local buffer of the same size never blocks.
/// Disposing cancels the consumer and closes the channel: the broker requeues what was not acknowledged.
/// </summary>
internal sealed class AmqpReceiver : ITransportReceiver
{
    private readonly IChannel _channel;
    private readonly RabbitMqTransport _transport;
    private readonly Channel<AmqpDelivery> _buffer;
    private readonly AcknowledgementBatcher _settlements;
    private readonly DeliveryRoute _route;
    private string? _consumerTag;
    private int _disposed;

    private AmqpReceiver(string queue, IChannel channel, RabbitMqTransport transport, int prefetch)
    {
        Queue = queue;
        _channel = channel;
        _transport = transport;
        _buffer = Channel.CreateBounded<AmqpDelivery>(new BoundedChannelOptions(prefetch) { SingleWriter = true });
        _settlements = new AcknowledgementBatcher(channel, prefetch);
        _route = new DeliveryRoute(queue, transport.Options.EventsExchange);
    }

    public string Queue { get; }

    public static async Task<AmqpReceiver> StartAsync(IConnection connection, string queue, int prefetch, RabbitMqTransport transport, CancellationToken cancellationToken)
    {
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        await channel.BasicQosAsync(0, (ushort)Math.Clamp(prefetch, 1, ushort.MaxValue), global: false, cancellationToken).ConfigureAwait(false);
        var receiver = new AmqpReceiver(queue, channel, transport, prefetch);
        var consumer = new AsyncEventingBasicConsumer(channel);
        consumer.ReceivedAsync += receiver.OnReceivedAsync;
        receiver._consumerTag = await channel.BasicConsumeAsync(queue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
        return receiver;
    }

    public ValueTask<IncomingMessage> ReceiveAsync(CancellationToken cancellationToken = default)
    {
        var read = _buffer.Reader.ReadAsync(cancellationToken);
        return read.IsCompletedSuccessfully ? ValueTask.FromResult<IncomingMessage>(read.Result) : Await(read);

        static async ValueTask<IncomingMessage> Await(ValueTask<AmqpDelivery> pending) => await pending.ConfigureAwait(false);
    }

    // Settlements after disposal started are dropped: the channel closes and the broker requeues the message.
    internal ValueTask AckAsync(AmqpDelivery delivery)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _settlements.Acknowledge(delivery.DeliveryTag);
        }

        return ValueTask.CompletedTask;
    }

    internal ValueTask RequeueAsync(AmqpDelivery delivery)
    {
        if (Volatile.Read(ref _disposed) == 0)
        {
            _settlements.Requeue(delivery.DeliveryTag);
        }

        return ValueTask.CompletedTask;
    }

    // Publish the copy (confirmed) before acknowledging the original: a crash in between duplicates, never loses.
    internal async ValueTask DeferAsync(AmqpDelivery delivery, TimeSpan delay, Envelope changed, CancellationToken cancellationToken)
    {
        await _transport.SendDelayedAsync(Queue, changed, delay, cancellationToken).ConfigureAwait(false);
        await AckAsync(delivery).ConfigureAwait(false);
    }

    internal async ValueTask DeadLetterAsync(AmqpDelivery delivery, Envelope stamped, CancellationToken cancellationToken)
    {
        await _transport.Publisher.PublishAsync(RabbitMqTopology.SendExchange(RabbitMqTransport.DeadLetterQueueOf(Queue)), "", stamped, mandatory: true, cancellationToken).ConfigureAwait(false);
        await AckAsync(delivery).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _buffer.Writer.TryComplete();
        try
        {
            if (_consumerTag is not null && _channel.IsOpen)
            {
                await _channel.BasicCancelAsync(_consumerTag).ConfigureAwait(false);
            }

            await _settlements.CompleteAsync().ConfigureAwait(false);

            await _channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.AlreadyClosedException or global::RabbitMQ.Client.Exceptions.OperationInterruptedException or IOException)
        {
            // Closed already: the broker has requeued the unacknowledged messages.
        }

        await _channel.DisposeAsync().ConfigureAwait(false);
    }

    private Task OnReceivedAsync(object sender, BasicDeliverEventArgs delivery)
    {
        // The client reuses the body's memory after this returns.
        var envelope = AmqpEnvelope.FromDelivery(delivery.BasicProperties, delivery.Body.ToArray());
        var count = AmqpEnvelope.Deliveries(delivery.BasicProperties, delivery.Redelivered);
        _settlements.Delivered(delivery.DeliveryTag);
        // Never full (it is as large as the prefetch); after disposal the write fails and the broker requeues the message.
        _buffer.Writer.TryWrite(new AmqpDelivery(this, delivery.DeliveryTag, envelope, count, _route, delivery.Exchange, delivery.RoutingKey));
        return Task.CompletedTask;
    }
}
