using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;

namespace Switchboard.RabbitMQ.Topology;

/// <summary>Asks the broker whether an object exists, by declaring it passively.</summary>
internal static class PassiveDeclaration
{
    /// <summary>
    /// True when <paramref name="declare"/> succeeds, false when the broker answers 404. A passive declaration of a
    /// missing object closes its channel, so each gets a channel of its own.
    /// </summary>
    public static async ValueTask<bool> ExistsAsync(IConnection connection, Func<IChannel, Task> declare, CancellationToken cancellationToken)
    {
        await using var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await declare(channel).ConfigureAwait(false);
            return true;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return false;
        }
    }
}
