using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;

namespace Shop.Distributed.Tests;

/// <summary>
/// An attacker who holds one service's broker credentials (the Shipping user that <c>shop broker-users</c> creates) and
/// talks to the broker with RabbitMQ.Client directly: the broker refuses to let it publish other services' events, read
/// other services' queues, or put anything into them by any exchange or binding, while what Shipping itself needs still
/// works. The vhost starts as an older version left it (exchanges named like the queues), which the provisioning removes.
/// </summary>
public sealed class BrokerPermissionTests : IAsyncLifetime
{
    private readonly string _id = Guid.NewGuid().ToString("N")[..12];
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("shop-broker-users-");
    private BrokerUsersCommand? _command;
    private IReadOnlyDictionary<string, Uri> _users = new Dictionary<string, Uri>();
    private IConnection? _shipping;

    private string Vhost => "shop-perm-" + _id;

    public async Task InitializeAsync()
    {
        await TestServers.CreateVhostAsync(Vhost);
        await using (var legacy = await new ConnectionFactory { Uri = TestServers.AmqpUriFor(Vhost) }.CreateConnectionAsync())
        await using (var channel = await legacy.CreateChannelAsync())
        {
            foreach (var name in (string[])["shipping", "shipping.dlq", "payment"])
            {
                await channel.ExchangeDeclareAsync(name, ExchangeType.Fanout, durable: true);
            }
        }

        _command = new BrokerUsersCommand(Vhost, $"perm-{_id}-", _directory.FullName);
        _users = await _command.RunAsync();
        _shipping = await new ConnectionFactory { Uri = _users["shipping"] }.CreateConnectionAsync();
    }

    public async Task DisposeAsync()
    {
        if (_shipping is not null)
        {
            await _shipping.CloseAsync();
            await _shipping.DisposeAsync();
        }

        if (_command is not null)
        {
            await _command.DeleteAsync();
        }

        await TestServers.DeleteVhostAsync(Vhost);
        _directory.Delete(recursive: true);
    }

    [Fact]
    public async Task Shipping_may_publish_its_own_event_and_no_other()
    {
        await PublishAsync("sb.events", "shop.order-shipped.v1");

        await AssertRefusedAsync(() => PublishAsync("sb.events", "shop.payment-processed.v1"));
        await AssertRefusedAsync(() => PublishAsync("sb.events", "shop.order-created.v1"));
        await AssertRefusedAsync(() => PublishAsync("sb.events", "shop.inventory-updated.v1"));
    }

    [Fact]
    public async Task Shipping_may_read_its_own_queues_and_no_other()
    {
        await UseChannelAsync(channel => channel.BasicGetAsync("shipping", autoAck: false));
        await UseChannelAsync(channel => channel.BasicGetAsync("shipping.dlq", autoAck: false));

        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.BasicConsumeAsync("payment", autoAck: false, new AsyncEventingBasicConsumerStub(channel))));
        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.BasicGetAsync("payment", autoAck: true)));
        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.BasicGetAsync("order.dlq", autoAck: true)));
        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.QueuePurgeAsync("inventory")));
    }

    [Fact]
    public async Task Shipping_cannot_put_a_message_into_another_services_queue_by_any_exchange()
    {
        // What Shipping itself does: send to its own queue (retries, re-drives), dead-letter, delay to itself.
        await PublishAsync("sb.send.shipping", "");
        await PublishAsync("sb.send.shipping.dlq", "");
        await PublishAsync("sb.delay", DelayKey("q.shipping"));

        await AssertRefusedAsync(() => PublishAsync("", "payment"));                              // the default exchange
        await AssertRefusedAsync(() => PublishAsync("amq.direct", "payment"));
        await AssertRefusedAsync(() => PublishAsync("sb.send.payment", ""));                      // Payment's send exchange
        await AssertRefusedAsync(() => PublishAsync("sb.send.payment.dlq", ""));
        await AssertRefusedAsync(() => PublishAsync("sb.events", "shop.order-created.v1"));       // an event Payment handles
        await AssertRefusedAsync(() => PublishAsync("sb.delay", DelayKey("q.payment")));          // a delayed send to Payment
        await AssertRefusedAsync(() => PublishAsync("sb.delay", DelayKey("t.shop.order-created.v1")));
        await AssertRefusedAsync(() => PublishAsync("sb.delay.due", DelayKey("q.payment")));      // past the delay chain's entry
        await AssertRefusedAsync(() => PublishAsync("sb.delay.level-00", DelayKey("q.payment")));

        // Nor can it make a route of its own: no declaring, deleting or binding anything.
        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.QueueDeclareAsync("shipping-evil", durable: false, exclusive: false, autoDelete: true)));
        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.QueueDeleteAsync("shipping")));
        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.ExchangeBindAsync("sb.send.payment", "sb.send.shipping", "")));
        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.QueueBindAsync("shipping", "sb.events", "shop.order-created.v1")));

        // Binding needs no configure permission, only write on the destination and read on the source: no exchange
        // Shipping may write (the delay chain's entry, its own send exchanges) can be fed from one it may read.
        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.ExchangeBindAsync("sb.delay", "sb.send.shipping", "")));
        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.ExchangeBindAsync("sb.delay", "sb.send.shipping.dlq", "")));
        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.ExchangeBindAsync("sb.events", "sb.send.shipping", "")));
        await AssertRefusedAsync(() => UseChannelAsync(channel => channel.QueueBindAsync("shipping", "sb.send.shipping.dlq", "")));

        // Nothing reached Payment's queue (the test user may look without consuming), and the exchanges an older version
        // named like the queues, which Shipping could read and so bind from, are gone.
        await using var admin = await new ConnectionFactory { Uri = TestServers.AmqpUriFor(Vhost) }.CreateConnectionAsync();
        await using (var look = await admin.CreateChannelAsync())
        {
            Assert.Equal(0u, (await look.QueueDeclarePassiveAsync("payment")).MessageCount);
        }

        foreach (var legacy in (string[])["shipping", "shipping.dlq", "payment"])
        {
            await using var look = await admin.CreateChannelAsync();
            var missing = await Assert.ThrowsAnyAsync<OperationInterruptedException>(() => look.ExchangeDeclarePassiveAsync(legacy));
            Assert.Equal((ushort)404, missing.ShutdownReason?.ReplyCode);
        }
    }

    private static string DelayKey(string destination) => string.Concat(Enumerable.Repeat("0.", 37)) + "1." + destination;

    private async Task PublishAsync(string exchange, string routingKey)
    {
        await using var channel = await _shipping!.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, new BasicProperties { Type = routingKey, MessageId = Guid.NewGuid().ToString("N") }, "{}"u8.ToArray());
    }

    private async Task UseChannelAsync<T>(Func<IChannel, Task<T>> use)
    {
        await using var channel = await _shipping!.CreateChannelAsync();
        await use(channel);
    }

    private async Task UseChannelAsync(Func<IChannel, Task> use)
    {
        await using var channel = await _shipping!.CreateChannelAsync();
        await use(channel);
    }

    // The broker closes the channel with ACCESS_REFUSED (403); the connection stays up for the next attempt.
    private async Task AssertRefusedAsync(Func<Task> attempt)
    {
        var refused = await Assert.ThrowsAnyAsync<OperationInterruptedException>(attempt);
        Assert.Equal((ushort)403, refused.ShutdownReason?.ReplyCode);
        Assert.True(_shipping!.IsOpen);
    }

    private sealed class AsyncEventingBasicConsumerStub(IChannel channel) : AsyncDefaultBasicConsumer(channel);
}
