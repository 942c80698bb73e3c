using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using RabbitMQ.Client.Exceptions;
using Switchboard.Messages;
using Switchboard.RabbitMQ.Ordering;
using Switchboard.RabbitMQ.Topology;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>
/// A service with an ordered endpoint, whose user has exactly <see cref="RabbitMqPermissions.For"/>'s permissions on a
/// topology the provisioner declared, sends to and consumes from its partitions, and may declare the run-time queues of
/// parking and membership, and nothing else.
/// </summary>
public sealed class OrderedLeastPrivilegeTests : IAsyncLifetime
{
    private const string Queue = "ledger";
    private const string Topic = "tests.entry-made.v1";
    private const int Partitions = 4;

    private static readonly RabbitMqServiceAccess Ledger = new(
        [new EndpointDeclaration(Queue, [Topic]) { Ordered = true }],
        Publishes: [],
        SendsTo: []);

    private readonly string _vhost = "sb-ordperm-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _user = "ledger-" + Guid.NewGuid().ToString("N")[..8];
    private readonly string _password = RabbitMqProvisioner.NewPassword();
    private readonly RabbitMqTransportOptions _options = new() { Uri = new Uri("amqp://localhost"), Partitions = Partitions };
    private readonly RabbitMqProvisioner _provisioner;
    private IConnection? _service;

    public OrderedLeastPrivilegeTests() => _provisioner = new RabbitMqProvisioner(TestBroker.ManagementUri, _options);

    private Uri ServiceUri => TestBroker.UriFor(_vhost, _user, _password);

    public async Task InitializeAsync()
    {
        await TestBroker.CreateVhostAsync(_vhost);
        await _provisioner.DeclareTopologyAsync(_vhost, [Ledger]);
        await _provisioner.SetUserAsync(_vhost, _user, _password, RabbitMqPermissions.For(Ledger, _options));
        _service = await new ConnectionFactory { Uri = ServiceUri }.CreateConnectionAsync();
    }

    public async Task DisposeAsync()
    {
        if (_service is not null)
        {
            await _service.DisposeAsync();
        }

        await _provisioner.DeleteUserAsync(_user);
        await TestBroker.DeleteVhostAsync(_vhost);
        _provisioner.Dispose();
    }

    [Fact]
    public async Task The_service_sends_to_and_consumes_from_its_provisioned_ordered_endpoint()
    {
        await using var transport = new RabbitMqTransport(_options with { Uri = ServiceUri, DeclareTopology = false });
        await transport.StartAsync();
        await transport.DeclareEndpointAsync(new EndpointDeclaration(Queue, [Topic]) { Ordered = true });
        await using var tap = await PartitionTap.StartAsync(ServiceUri, Queue, Partitions);

        var sent = Envelope("account-1");
        await transport.SendAsync(Queue, sent);
        Assert.Equal(OrderingNames.PartitionOf("account-1", Partitions), (await tap.ArrivalOfAsync(sent.MessageId)).Partition);

        // An event another service publishes (here the administrator's test user) reaches the key's partition too.
        await using var publisher = new RabbitMqTransport(_options with { Uri = TestBroker.UriFor(_vhost) });
        await publisher.StartAsync();
        var published = Envelope("account-2");
        await publisher.PublishAsync(Topic, published);
        Assert.Equal(OrderingNames.PartitionOf("account-2", Partitions), (await tap.ArrivalOfAsync(published.MessageId)).Partition);

        Assert.NotNull(await transport.GetQueueStatisticsAsync(Queue));
    }

    [Fact]
    public async Task The_service_may_declare_bind_and_use_a_parked_queue_and_a_member_queue()
    {
        var parked = OrderingNames.ParkedQueue(Queue, "account-1");
        await UseAsync(async channel =>
        {
            await channel.QueueDeclareAsync(parked, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?> { ["x-queue-type"] = "quorum" });
            await channel.QueueBindAsync(parked, OrderingNames.ParkingExchange(Queue), parked);
        });
        await PublishAsync(OrderingNames.ParkingExchange(Queue), parked);
        await PublishAsync(OrderingNames.ParkingExchange(Queue), OrderingNames.ParkingLog(Queue));

        var member = OrderingNames.MemberQueue(Queue, Guid.NewGuid().ToString("N"));
        await using var members = await _service!.CreateChannelAsync();
        await members.QueueDeclareAsync(member, durable: false, exclusive: true, autoDelete: true);
        await members.QueueBindAsync(member, OrderingNames.MembersExchange(Queue), "");
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var consumer = new AsyncEventingBasicConsumer(members);
        consumer.ReceivedAsync += (_, _) =>
        {
            heard.TrySetResult();
            return Task.CompletedTask;
        };
        await members.BasicConsumeAsync(member, autoAck: true, consumer);
        await PublishAsync(OrderingNames.MembersExchange(Queue), "");
        await heard.Task.WaitAsync(TimeSpan.FromMinutes(1));

        // The parked message and the log's entry are there to read (a stream is read by a consumer with a prefetch).
        await UseAsync(async channel => Assert.Equal(1u, (await channel.QueueDeclarePassiveAsync(parked)).MessageCount));
        await UseAsync(async channel =>
        {
            await channel.BasicQosAsync(0, 10, global: false);
            await channel.BasicConsumeAsync(OrderingNames.ParkingLog(Queue), autoAck: false, "", noLocal: false, exclusive: false, new Dictionary<string, object?> { ["x-stream-offset"] = "first" }, new AsyncEventingBasicConsumer(channel));
        });
        await UseAsync(channel => channel.QueueDeleteAsync(parked));
    }

    [Fact]
    public async Task The_service_may_declare_no_other_queue_and_cannot_feed_the_delay_chain_from_the_exchanges_it_reads()
    {
        await AssertRefusedAsync(channel => channel.QueueDeclareAsync(Queue + ".other", durable: true, exclusive: false, autoDelete: false));
        await AssertRefusedAsync(channel => channel.QueueDeclareAsync(Queue + ".parked.not-a-hash", durable: true, exclusive: false, autoDelete: false));
        await AssertRefusedAsync(channel => channel.QueueDeclareAsync("other.parked." + new string('a', 32), durable: true, exclusive: false, autoDelete: false));
        await AssertRefusedAsync(channel => channel.QueueDeleteAsync(OrderingNames.Partition(Queue, 0)));
        await AssertRefusedAsync(channel => channel.ExchangeDeclareAsync(OrderingNames.OrderExchange(Queue) + ".evil", ExchangeType.Fanout));

        // It may read the members and parking exchanges (to bind its run-time queues), hence bind them to the delay
        // chain's entry, which it may write; but the keys it may bind and publish with there are only its own objects'.
        var delayKey = string.Concat(Enumerable.Repeat("0.", DelayRoute.Levels - 1)) + "1.q.victim";
        await AssertRefusedAsync(channel => channel.ExchangeBindAsync(RabbitMqTopology.DelayExchange, OrderingNames.ParkingExchange(Queue), delayKey));
        await AssertRefusedAsync(channel => channel.ExchangeBindAsync(RabbitMqTopology.DelayExchange, OrderingNames.MembersExchange(Queue), "#"));
        await AssertRefusedAsync(channel => channel.ExchangeBindAsync(RabbitMqTopology.DelayExchange, OrderingNames.MembersExchange(Queue), delayKey));
        await AssertRefusedAsync(() => PublishAsync(OrderingNames.ParkingExchange(Queue), delayKey));
        await AssertRefusedAsync(() => PublishAsync(OrderingNames.MembersExchange(Queue), delayKey));

        // Nor may it publish to its order exchange or partitions past its send exchange.
        await AssertRefusedAsync(() => PublishAsync(OrderingNames.OrderExchange(Queue), ""));
        await AssertRefusedAsync(() => PublishAsync("", OrderingNames.Partition(Queue, 0)));
    }

    private static Envelope Envelope(string key) => new Envelope
    {
        MessageId = Guid.NewGuid().ToString("N"),
        MessageType = Topic,
        SentAt = DateTimeOffset.UtcNow,
        Body = "{}"u8.ToArray(),
    }.WithHeader(HeaderNames.OrderingKey, key);

    private async Task PublishAsync(string exchange, string routingKey)
    {
        await using var channel = await _service!.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, new BasicProperties { MessageId = Guid.NewGuid().ToString("N") }, "{}"u8.ToArray());
    }

    private async Task UseAsync(Func<IChannel, Task> use)
    {
        await using var channel = await _service!.CreateChannelAsync();
        await use(channel);
    }

    private Task AssertRefusedAsync(Func<IChannel, Task> use) => AssertRefusedAsync(() => UseAsync(use));

    // A refusal closes the channel with 403 ACCESS_REFUSED (a publish's surfaces when its confirm is awaited).
    private static async Task AssertRefusedAsync(Func<Task> attempt)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(attempt);
        var interrupted = error as OperationInterruptedException ?? error.InnerException as OperationInterruptedException;
        Assert.True(
            interrupted?.ShutdownReason?.ReplyCode == 403 || error is AlreadyClosedException { ShutdownReason.ReplyCode: 403 },
            $"expected ACCESS_REFUSED, got {error}");
    }
}
