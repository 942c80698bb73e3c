using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;
using Microsoft.Extensions.Logging;
using Switchboard.RabbitMQ.Ordering;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Topology;

/// <summary>
/// Warns when an endpoint changed between ordered and unordered and the broker still holds its old shape: declarations
/// only add, so the old shape's bindings go on copying every send and event into queues that nobody reads (a plain
/// queue <c>Q</c> next to an ordered endpoint, or the partitions next to a plain one). Removing them is the operator's
/// call, since they may hold messages (docs/ordering.md, "Transports").
/// </summary>
internal static partial class EndpointShapeCheck
{
    public static async ValueTask WarnOfOldShapeAsync(IConnection connection, EndpointDeclaration endpoint, ILogger logger, CancellationToken cancellationToken)
    {
        if (endpoint.Ordered)
        {
            if (await MessagesInAsync(connection, [endpoint.Queue], cancellationToken).ConfigureAwait(false) is { } messages)
            {
                PlainQueueLeft(logger, endpoint.Queue, messages);
            }
        }
        else if (await ExistsAsync(connection, OrderingNames.OrderExchange(endpoint.Queue), cancellationToken).ConfigureAwait(false))
        {
            var messages = await MessagesInAsync(connection, Enumerable.Range(0, OrderingNames.Slots).Select(i => OrderingNames.Partition(endpoint.Queue, i)), cancellationToken).ConfigureAwait(false);
            PartitionsLeft(logger, endpoint.Queue, OrderingNames.OrderExchange(endpoint.Queue), messages ?? 0);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint {Queue} is ordered, but the plain queue of that name it had before is still there with {Messages} message(s), and its bindings still copy every send and event to the endpoint into it. Let it drain (an unordered instance), then delete it.")]
    private static partial void PlainQueueLeft(ILogger logger, string queue, long messages);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Endpoint {Queue} is not ordered, but the order exchange {Exchange} it had before is still there, with {Messages} message(s) in its partitions, and it still copies every send and event to the endpoint into them. Let them drain (an ordered instance), then delete the exchange and the partitions.")]
    private static partial void PartitionsLeft(ILogger logger, string queue, string exchange, long messages);

    // The messages in the queues that exist, in order, up to the first missing one; null when the first is missing.
    private static async ValueTask<long?> MessagesInAsync(IConnection connection, IEnumerable<string> queues, CancellationToken cancellationToken)
    {
        // A passive declaration of a missing queue closes its channel, which ends the count.
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        long? messages = null;
        try
        {
            foreach (var queue in queues)
            {
                messages = (messages ?? 0) + (await channel.QueueDeclarePassiveAsync(queue, cancellationToken).ConfigureAwait(false)).MessageCount;
            }
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode is 404 or 403)
        {
            // Missing, or not ours to look at (a least-privilege user): nothing to warn about that this user could see.
        }

        return messages;
    }

    // Not ours to look at (a least-privilege user) counts as missing: nothing to warn about that this user could see.
    private static async ValueTask<bool> ExistsAsync(IConnection connection, string exchange, CancellationToken cancellationToken)
    {
        try
        {
            return await PassiveDeclaration.ExistsAsync(connection, channel => channel.ExchangeDeclarePassiveAsync(exchange, cancellationToken), cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 403)
        {
            return false;
        }
    }
}
