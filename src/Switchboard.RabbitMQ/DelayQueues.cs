using System.Collections.Concurrent;
using global::RabbitMQ.Client;

namespace Switchboard.RabbitMQ;

/// <summary>
/// Delayed delivery without broker plugins: a message waits in a queue whose messages all share one TTL, then
/// the broker dead-letters it to its real destination. Delays are rounded up to buckets (50 ms below 1 s, 1 s
/// below a minute, 1 minute below an hour, 1 hour above), so a message is never early and the number of delay
/// queues stays bounded. They never expire by themselves: <c>x-expires</c> would drop the messages a queue
/// still holds.
/// </summary>
internal sealed class DelayQueues(IConnection connection)
{
    private readonly ConcurrentDictionary<string, Lazy<Task>> _declared = new(StringComparer.Ordinal);

    public async Task<string> QueueForAsync(string exchange, string routingKey, TimeSpan delay, CancellationToken cancellationToken)
    {
        var bucket = Bucket(delay);
        var name = $"sb.delay.{bucket}.{(exchange.Length == 0 ? "queue" : exchange)}.{routingKey}";
        var declaring = _declared.GetOrAdd(name, n => new Lazy<Task>(() => DeclareAsync(n, exchange, routingKey, bucket)));
        try
        {
            await declaring.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _declared.TryRemove(name, out _);
            throw;
        }

        return name;
    }

    public static long Bucket(TimeSpan delay)
    {
        var ms = (long)Math.Ceiling(Math.Max(1, delay.TotalMilliseconds));
        var step = ms <= 1_000 ? 50 : ms <= 60_000 ? 1_000 : ms <= 3_600_000 ? 60_000 : 3_600_000;
        return (ms + step - 1) / step * step;
    }

    private async Task DeclareAsync(string name, string exchange, string routingKey, long ttl)
    {
        await using var channel = await connection.CreateChannelAsync().ConfigureAwait(false);
        await channel.QueueDeclareAsync(name, durable: true, exclusive: false, autoDelete: false, arguments: new Dictionary<string, object?>
        {
            ["x-message-ttl"] = ttl,
            ["x-dead-letter-exchange"] = exchange,
            ["x-dead-letter-routing-key"] = routingKey,
        }).ConfigureAwait(false);
    }
}
