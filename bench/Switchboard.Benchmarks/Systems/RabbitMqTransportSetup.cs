using RabbitMQ.Client;
using Switchboard.Benchmarks.Scenarios.Competing;
using Switchboard.Benchmarks.Scenarios.Fanout;
using Switchboard.Benchmarks.Scenarios.Saga;
using Switchboard.Configuration;
using Switchboard.RabbitMQ;

namespace Switchboard.Benchmarks.Systems;

/// <summary>
/// The broker given by <c>--rabbitmq</c>, quorum queues (the transport's default), and an events exchange of its
/// own; the run's queues and exchange are deleted afterwards.
/// </summary>
public sealed class RabbitMqTransportSetup(Uri broker) : ITransportSetup
{
    private readonly string _exchange = "sb.bench." + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Chooses the broker.</summary>
    public static ValueTask<ITransportSetup> CreateAsync(BenchmarkSettings settings, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ITransportSetup>(new RabbitMqTransportSetup(settings.RabbitMq));

    /// <inheritdoc />
    public void Configure(SwitchboardBuilder bus) =>
        bus.UseRabbitMq(new RabbitMqTransportOptions { Uri = broker, EventsExchange = _exchange, ConnectionName = "switchboard-benchmark" });

    /// <inheritdoc />
    public void ConfigureStore(SwitchboardBuilder bus) =>
        throw new NotSupportedException("The RabbitMQ systems keep saga state in the PostgreSQL store, which this runner does not use yet.");

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        var factory = new ConnectionFactory { Uri = broker };
        await using var connection = await factory.CreateConnectionAsync().ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync().ConfigureAwait(false);
        foreach (var queue in FanoutScenario.Subscribers.Append(CompetingScenario.Queue).Concat(SagaScenario.Queues))
        {
            await channel.QueueDeleteAsync(queue).ConfigureAwait(false);
            await channel.QueueDeleteAsync(RabbitMqTransport.DeadLetterQueueOf(queue)).ConfigureAwait(false);
        }

        await channel.ExchangeDeleteAsync(_exchange).ConfigureAwait(false);
    }
}
