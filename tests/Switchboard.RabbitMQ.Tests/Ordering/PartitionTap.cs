using System.Collections.Concurrent;
using RabbitMQ.Client;
using RabbitMQ.Client.Events;
using Switchboard.RabbitMQ.Ordering;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>
/// Consumes every partition of an ordered endpoint with a plain AMQP consumer (basic.get is refused on single-active
/// quorum queues) and tells in which partition each message, by id, arrived, with its AMQP properties.
/// </summary>
public sealed class PartitionTap : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<(int Partition, IReadOnlyBasicProperties Properties)>> _arrivals = new(StringComparer.Ordinal);
    private readonly IConnection _connection;

    private PartitionTap(IConnection connection) => _connection = connection;

    public static async Task<PartitionTap> StartAsync(Uri uri, string queue, int partitions)
    {
        var connection = await new ConnectionFactory { Uri = uri, ClientProvidedName = "partition-tap" }.CreateConnectionAsync();
        var tap = new PartitionTap(connection);
        for (var i = 0; i < partitions; i++)
        {
            var partition = i;
            var channel = await connection.CreateChannelAsync();
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += async (_, delivery) =>
            {
                tap.Arrival(delivery.BasicProperties.MessageId ?? "").TrySetResult((partition, delivery.BasicProperties));
                await channel.BasicAckAsync(delivery.DeliveryTag, multiple: false);
            };
            await channel.BasicConsumeAsync(OrderingNames.Partition(queue, partition), autoAck: false, consumer);
        }

        return tap;
    }

    /// <summary>The partition message <paramref name="messageId"/> arrived in, with its properties; fails after a minute.</summary>
    public Task<(int Partition, IReadOnlyBasicProperties Properties)> ArrivalOfAsync(string messageId) =>
        Arrival(messageId).Task.WaitAsync(TimeSpan.FromMinutes(1));

    public async ValueTask DisposeAsync()
    {
        await _connection.CloseAsync();
        await _connection.DisposeAsync();
    }

    private TaskCompletionSource<(int Partition, IReadOnlyBasicProperties Properties)> Arrival(string messageId) =>
        _arrivals.GetOrAdd(messageId, _ => new TaskCompletionSource<(int, IReadOnlyBasicProperties)>(TaskCreationOptions.RunContinuationsAsynchronously));
}
