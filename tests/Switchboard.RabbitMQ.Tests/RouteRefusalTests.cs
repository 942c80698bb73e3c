using System.Collections.Concurrent;
using System.Text;
using global::RabbitMQ.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Tests;

public sealed record Charge(int Number);

public sealed record Shipped(int Number);

public sealed class RouteLog
{
    public ConcurrentQueue<object> Handled { get; } = new();
}

public sealed class RouteLogHandler(RouteLog log) : IMessageHandler<Charge>, IMessageHandler<Shipped>
{
    public ValueTask HandleAsync(Charge message, IMessageContext context, CancellationToken cancellationToken)
    {
        log.Handled.Enqueue(message);
        return ValueTask.CompletedTask;
    }

    public ValueTask HandleAsync(Shipped message, IMessageContext context, CancellationToken cancellationToken)
    {
        log.Handled.Enqueue(message);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// The broker authorises a publisher's routing key, never the message's type property; an endpoint handles a message
/// only when the route it came by vouches for its type (<see cref="DeliveryRoute"/>), and dead-letters it otherwise.
/// </summary>
public sealed class RouteRefusalTests : IAsyncLifetime
{
    private const string ChargeType = "tests.charge.v1";
    private const string ShippedType = "tests.shipped.v1";
    private readonly string _vhost = "sb-route-" + Guid.NewGuid().ToString("N")[..8];
    private readonly RouteLog _log = new();
    private IHost? _host;

    public async Task InitializeAsync()
    {
        await TestBroker.CreateVhostAsync(_vhost);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton(_log);
        builder.Services.AddSwitchboard(bus => bus
            .Message<Charge>(ChargeType)
            .Message<Shipped>(ShippedType)
            .UseRabbitMq(TestBroker.UriFor(_vhost))
            .Endpoint("billing", e => e.Handle<Charge, RouteLogHandler>().Handle<Shipped, RouteLogHandler>()));
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }

        await TestBroker.DeleteVhostAsync(_vhost);
    }

    [Fact]
    public async Task An_event_whose_type_is_not_its_routing_key_is_dead_lettered_unhandled()
    {
        // Allowed to publish "shipped", a publisher claims the message is a charge: the endpoint gets it through its "shipped" binding.
        await PublishAsync("sb.events", ShippedType, ChargeType, new Charge(1));
        await PublishAsync("sb.events", ShippedType, ShippedType, new Shipped(2));

        var letter = await SingleDeadLetterAsync();
        Assert.Equal(ChargeType, letter.Envelope.MessageType);
        Assert.Contains($"through exchange 'sb.events' with routing key '{ShippedType}', which does not vouch for its message type '{ChargeType}'", letter.Reason, StringComparison.Ordinal);
        Assert.Equal([new Shipped(2)], _log.Handled);
    }

    [Fact]
    public async Task A_copy_routed_by_a_CC_header_is_dead_lettered_unhandled()
    {
        // Before RabbitMQ 4.0.3 the broker checks topic permissions on the routing key only, not on CC and BCC.
        await PublishAsync("sb.events", "tests.nobody-binds-this.v1", ChargeType, new Charge(3), cc: ChargeType);
        await PublishAsync("sb.events", ChargeType, ChargeType, new Charge(4));

        var letter = await SingleDeadLetterAsync();
        Assert.Contains("routing key 'tests.nobody-binds-this.v1'", letter.Reason, StringComparison.Ordinal);
        Assert.Equal([new Charge(4)], _log.Handled);
    }

    [Fact]
    public async Task A_send_copied_into_another_queue_by_a_CC_header_is_dead_lettered_unhandled()
    {
        // The bus's own delayed send (which also declares the delay chain), then one meant for a queue "other" (none
        // exists) with a CC copy to billing.
        await _host!.Services.GetRequiredService<IBus>().ScheduleSendAsync(new Charge(6), TimeSpan.FromMilliseconds(5), "billing");
        var key = Topology.DelayRoute.For(TimeSpan.FromMilliseconds(5), Topology.DelayRoute.Queue, "other");
        await PublishAsync("sb.delay", key, ChargeType, new Charge(5), cc: Topology.DelayRoute.For(TimeSpan.FromMilliseconds(5), Topology.DelayRoute.Queue, "billing"));

        var letter = await SingleDeadLetterAsync();
        Assert.EndsWith(".q.other', which does not vouch for its message type 'tests.charge.v1'", letter.Reason, StringComparison.Ordinal);
        Assert.Equal([new Charge(6)], _log.Handled);
    }

    private async Task<DeadLetter> SingleDeadLetterAsync()
    {
        var deadLetters = _host!.Services.GetRequiredService<IDeadLetterQueue>();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while ((await deadLetters.CountAsync("billing") < 1 || _log.Handled.IsEmpty) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(50);
        }

        return Assert.Single(await deadLetters.ListAsync("billing"));
    }

    private async Task PublishAsync(string exchange, string routingKey, string type, object message, string? cc = null)
    {
        var factory = new ConnectionFactory { Uri = TestBroker.UriFor(_vhost) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync(new CreateChannelOptions(publisherConfirmationsEnabled: true, publisherConfirmationTrackingEnabled: true));
        var properties = new BasicProperties
        {
            MessageId = Guid.NewGuid().ToString("N"),
            Type = type,
            ContentType = "application/json",
            Headers = cc is null ? null : new Dictionary<string, object?> { ["CC"] = new List<object> { Encoding.UTF8.GetBytes(cc) } },
        };
        await channel.BasicPublishAsync(exchange, routingKey, mandatory: false, properties, System.Text.Json.JsonSerializer.SerializeToUtf8Bytes(message, message.GetType(), System.Text.Json.JsonSerializerOptions.Web));
    }
}
