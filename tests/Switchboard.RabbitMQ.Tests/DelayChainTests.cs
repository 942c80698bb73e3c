using RabbitMQ.Client;
using Switchboard.RabbitMQ.Topology;

namespace Switchboard.RabbitMQ.Tests;

/// <summary>
/// The delay chain is declared when the transport starts, not when the first delayed message goes out: that one goes
/// out after a handler's commit or settles a retry, where a stopping endpoint would wait for about 150 declarations.
/// </summary>
public sealed class DelayChainTests : IAsyncLifetime
{
    private readonly string _vhost = "sb-delaychain-" + Guid.NewGuid().ToString("N")[..8];

    public Task InitializeAsync() => TestBroker.CreateVhostAsync(_vhost);

    public Task DisposeAsync() => TestBroker.DeleteVhostAsync(_vhost);

    [Fact]
    public async Task A_started_transport_has_declared_every_level_of_the_delay_chain_before_any_delayed_message()
    {
        await using (var transport = new RabbitMqTransport(new RabbitMqTransportOptions { Uri = TestBroker.UriFor(_vhost) }))
        {
            await transport.StartAsync();
        }

        var factory = new ConnectionFactory { Uri = TestBroker.UriFor(_vhost) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclarePassiveAsync(RabbitMqTopology.DelayExchange);
        await channel.ExchangeDeclarePassiveAsync(RabbitMqTopology.DueExchange);
        for (var level = 0; level < DelayRoute.Levels; level++)
        {
            // A missing queue or exchange closes the channel with NOT_FOUND, which fails the test.
            await channel.ExchangeDeclarePassiveAsync(RabbitMqTopology.Level(level));
            var queue = await channel.QueueDeclarePassiveAsync(RabbitMqTopology.Level(level));
            Assert.Equal(0u, queue.MessageCount);
        }
    }
}
