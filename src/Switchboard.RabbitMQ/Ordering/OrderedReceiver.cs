using System.Threading.Channels;
using global::RabbitMQ.Client;
using Microsoft.Extensions.Logging;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// The receiver of an ordered endpoint on RabbitMQ: one <see cref="PartitionConsumer"/> per partition queue, each on its
/// own channel, standing by until the broker makes it the partition's active consumer; and this instance's membership
/// (<see cref="EndpointMembers"/>), which tells each partition whether to keep it or give it to its owner.
/// </summary>
internal sealed class OrderedReceiver : ITransportReceiver
{
    private readonly Channel<IncomingMessage> _ready;
    private readonly CancellationTokenSource _stopping = new();
    private readonly ConnectionFactory _partitionConnections;
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private IConnection? _partitionConnection;
    private PartitionConsumer[] _partitions = [];
    private EndpointMembers? _members;
    private Task _rebalancing = Task.CompletedTask;

    private OrderedReceiver(RabbitMqTransport transport, IConnection connection, string queue, int prefetch)
    {
        Queue = queue;
        Connection = connection;
        // The partitions' own connection, which the client does not recover: a partition subscribes again by itself
        // after it reset its keys, and a consumer the client brought back beside it would take its messages.
        _partitionConnections = RabbitMqTransport.CreateConnectionFactory(transport.Options);
        _partitionConnections.AutomaticRecoveryEnabled = false;
        _partitionConnections.TopologyRecoveryEnabled = false;
        _partitionConnections.ClientProvidedName += $" (ordered {queue})";
        Prefetch = prefetch;
        Partitions = transport.Options.Partitions;
        AnnouncementInterval = transport.Options.AnnouncementInterval;
        Publisher = transport.Publisher;
        Route = new DeliveryRoute(queue, transport.Options.EventsExchange);
        Logger = transport.Loggers.CreateLogger<PartitionConsumer>();
        Log = new ParkingLog(connection, Publisher, queue, transport.Loggers.CreateLogger<ParkingLog>());
        ParkedMessages = new ParkedMessages(connection, Publisher, queue);
        // Never full: a partition hands out at most its prefetch of messages (and the parked message it drains per key).
        _ready = Channel.CreateUnbounded<IncomingMessage>(new UnboundedChannelOptions { SingleWriter = false });
    }

    public string Queue { get; }

    /// <summary>The transport's connection (recovered by the client): membership, the parking log, parked queues.</summary>
    public IConnection Connection { get; }

    /// <summary>Unacknowledged messages per partition this instance is active on.</summary>
    public int Prefetch { get; }

    public int Partitions { get; }

    public TimeSpan AnnouncementInterval { get; }

    public TimeProvider Time => TimeProvider.System;

    public AmqpPublisher Publisher { get; }

    public DeliveryRoute Route { get; }

    public ParkingLog Log { get; }

    public ILogger Logger { get; }

    public ParkedMessages ParkedMessages { get; }

    public static async Task<OrderedReceiver> StartAsync(RabbitMqTransport transport, IConnection connection, string queue, int prefetch, CancellationToken cancellationToken)
    {
        var receiver = new OrderedReceiver(transport, connection, queue, prefetch);
        try
        {
            receiver._members = await EndpointMembers.JoinAsync(connection, queue, receiver.Partitions, receiver.AnnouncementInterval, receiver.Time, cancellationToken).ConfigureAwait(false);
            var partitions = new PartitionConsumer[receiver.Partitions];
            for (var i = 0; i < partitions.Length; i++)
            {
                partitions[i] = await PartitionConsumer.StartAsync(receiver, i, cancellationToken).ConfigureAwait(false);
                receiver._partitions = partitions[..(i + 1)];
            }

            receiver._members.Changed += receiver.Rebalance;
            receiver._rebalancing = Task.Run(receiver.RebalanceEveryIntervalAsync, CancellationToken.None);
            return receiver;
        }
        catch
        {
            await receiver.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>The connection the partitions consume on, opened again after it was lost.</summary>
    public async Task<IConnection> PartitionConnectionAsync(CancellationToken cancellationToken)
    {
        if (_partitionConnection is { IsOpen: true } open)
        {
            return open;
        }

        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_partitionConnection is { IsOpen: true } opened)
            {
                return opened;
            }

            if (_partitionConnection is { } lost)
            {
                await lost.DisposeAsync().ConfigureAwait(false);
            }

            _partitionConnection = null;
            return _partitionConnection = await _partitionConnections.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _connecting.Release();
        }
    }

    public ValueTask<IncomingMessage> ReceiveAsync(CancellationToken cancellationToken = default) => _ready.Reader.ReadAsync(cancellationToken);

    /// <summary>Offers a key's head (or a message without a key) to the endpoint's handlers.</summary>
    public void HandOut(OrderedDelivery delivery) => _ready.Writer.TryWrite(delivery);

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
        {
            return;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _rebalancing.ConfigureAwait(false);
        if (_members is not null)
        {
            _members.Changed -= Rebalance;
        }

        // The partitions first: the next instance of each is activated as its channel closes, while this one still
        // announces itself; then this member leaves.
        foreach (var partition in _partitions)
        {
            await partition.DisposeAsync().ConfigureAwait(false);
        }

        if (_members is not null)
        {
            await _members.DisposeAsync().ConfigureAwait(false);
        }

        if (_partitionConnection is { } connection)
        {
            try
            {
                await connection.CloseAsync().ConfigureAwait(false);
            }
            catch (Exception e) when (e is global::RabbitMQ.Client.Exceptions.AlreadyClosedException or global::RabbitMQ.Client.Exceptions.OperationInterruptedException or IOException or TimeoutException)
            {
                // Gone already.
            }

            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _ready.Writer.TryComplete();
        _stopping.Dispose();
    }

    private void Rebalance()
    {
        if (_members is not { } members)
        {
            return;
        }

        var partitions = _partitions;
        for (var i = 0; i < partitions.Length; i++)
        {
            partitions[i].Rebalance(members.Owns(i));
        }
    }

    // Ownership changes when members come and go (Changed), and a partition may only give itself up after holding it a
    // while: so it is looked at again every interval too.
    private async Task RebalanceEveryIntervalAsync()
    {
        using var timer = new PeriodicTimer(AnnouncementInterval, Time);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                Rebalance();
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }
}
