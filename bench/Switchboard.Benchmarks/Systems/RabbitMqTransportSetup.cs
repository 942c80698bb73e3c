using Npgsql;
using RabbitMQ.Client;
using Switchboard.Benchmarks.Scenarios.Competing;
using Switchboard.Benchmarks.Scenarios.Fanout;
using Switchboard.Benchmarks.Scenarios.Ordered;
using Switchboard.Benchmarks.Scenarios.Saga;
using Switchboard.Configuration;
using Switchboard.RabbitMQ;

namespace Switchboard.Benchmarks.Systems;

/// <summary>
/// The broker given by <c>--rabbitmq</c>, quorum queues (the transport's default), and an events exchange of its
/// own; the run's queues and exchange are deleted afterwards. A scenario that keeps state gets the PostgreSQL store
/// of <c>--postgres</c> in a fresh schema, dropped afterwards.
/// </summary>
public sealed class RabbitMqTransportSetup(Uri broker, string postgres) : ITransportSetup
{
    private readonly string _exchange = "sb.bench." + Guid.NewGuid().ToString("N")[..8];
    private string? _schema;

    /// <summary>Chooses the broker and the database.</summary>
    public static ValueTask<ITransportSetup> CreateAsync(BenchmarkSettings settings, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ITransportSetup>(new RabbitMqTransportSetup(settings.RabbitMq, settings.Postgres));

    /// <inheritdoc />
    public void Configure(SwitchboardBuilder bus) =>
        bus.UseRabbitMq(new RabbitMqTransportOptions { Uri = broker, EventsExchange = _exchange, ConnectionName = "switchboard-benchmark" });

    /// <inheritdoc />
    public void ConfigureStore(SwitchboardBuilder bus)
    {
        // The store creates the schema when the bus starts; DisposeAsync drops it.
        _schema = "sb_bench_" + Guid.NewGuid().ToString("N")[..12];
        bus.UsePostgreSqlStore(postgres, o => o with { Schema = _schema });
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        var factory = new ConnectionFactory { Uri = broker };
        await using var connection = await factory.CreateConnectionAsync().ConfigureAwait(false);
        await using var channel = await connection.CreateChannelAsync().ConfigureAwait(false);
        foreach (var queue in FanoutScenario.Subscribers.Append(CompetingScenario.Queue).Append(OrderedScenario.Queue).Concat(SagaScenario.Queues))
        {
            await channel.QueueDeleteAsync(queue).ConfigureAwait(false);
            await channel.QueueDeleteAsync(RabbitMqTransport.DeadLetterQueueOf(queue)).ConfigureAwait(false);
        }

        // The ordered scenario's topology (docs/rabbitmq.md, "Ordered endpoints"), and every endpoint's send exchange: an
        // ordered run followed by its unordered twin would otherwise send through sb.send.Q to both the plain queue and
        // the partitions, and the next ordered run would find the twin's messages there.
        var ordered = OrderedScenario.Queue;
        for (var partition = 0; partition < new RabbitMqTransportOptions { Uri = broker }.Partitions; partition++)
        {
            await channel.QueueDeleteAsync($"{ordered}.p{partition}").ConfigureAwait(false);
        }

        await channel.QueueDeleteAsync($"{ordered}.parking").ConfigureAwait(false);
        foreach (var exchange in new[] { $"sb.order.{ordered}", $"sb.order.{ordered}.unslotted", $"sb.members.{ordered}", $"sb.parked.{ordered}" })
        {
            await channel.ExchangeDeleteAsync(exchange).ConfigureAwait(false);
        }

        foreach (var queue in FanoutScenario.Subscribers.Append(CompetingScenario.Queue).Append(OrderedScenario.Queue).Concat(SagaScenario.Queues))
        {
            await channel.ExchangeDeleteAsync("sb.send." + queue).ConfigureAwait(false);
        }

        await channel.ExchangeDeleteAsync(_exchange).ConfigureAwait(false);
        if (_schema is not null)
        {
            await using var database = new NpgsqlConnection(postgres);
            await database.OpenAsync().ConfigureAwait(false);
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", database);
            await drop.ExecuteNonQueryAsync().ConfigureAwait(false);
        }
    }
}
