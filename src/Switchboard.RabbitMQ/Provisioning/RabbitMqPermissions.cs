using System.Text;
using Switchboard.RabbitMQ.Topology;

namespace Switchboard.RabbitMQ;

/// <summary>
/// The permissions of one service's user on its vhost, as RabbitMQ regular expressions: configure, write and read on
/// exchanges and queues, plus topic permissions that restrict routing keys on the topic exchanges it writes to.
/// </summary>
/// <param name="Configure">What it may declare or delete: nothing, since an administrator provisions the topology.</param>
/// <param name="Write">The exchanges it may publish to.</param>
/// <param name="Read">The queues it may consume from.</param>
/// <param name="TopicPermissions">The routing keys it may publish with on the events exchange and on the delay chain.</param>
public sealed record RabbitMqPermissions(string Configure, string Write, string Read, IReadOnlyList<RabbitMqTopicPermission> TopicPermissions)
{
    /// <summary>Matches no name: RabbitMQ reads an empty pattern this way too.</summary>
    public const string Nothing = "^$";

    /// <summary>
    /// The least a service that does <paramref name="access"/> needs with a provisioned topology
    /// (<see cref="RabbitMqTransportOptions.DeclareTopology"/> false):
    /// <list type="bullet">
    /// <item>configure: nothing. Whoever may declare a queue may give it a dead-letter exchange and routing key, and the
    /// broker then routes that queue's rejected or expired messages with any routing key, past the topic permissions;
    /// and whoever may configure an exchange may delete it.</item>
    /// <item>write: the events exchange (if it publishes), the delay chain's entry, and the send exchange of each queue it may
    /// send to: its own endpoints and their dead-letter queues (retries, dead letters, re-drives) and <see cref="RabbitMqServiceAccess.SendsTo"/>.
    /// Never the default exchange, which reaches every queue and ignores topic permissions.</item>
    /// <item>read: its endpoint queues and their dead-letter queues, and no exchange (their send exchanges are named
    /// <c>sb.send.{queue}</c>): whoever may read an exchange may bind it to one it may write.</item>
    /// <item>topic permissions: on the events exchange, exactly the types it publishes; on the delay chain, delayed sends
    /// to the queues it may send to and delayed publishes of its own types. Nothing may be bound (read) on either.</item>
    /// </list>
    /// </summary>
    public static RabbitMqPermissions For(RabbitMqServiceAccess access, RabbitMqTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(access);
        var eventsExchange = (options ?? new RabbitMqTransportOptions { Uri = new Uri("amqp://localhost") }).EventsExchange;
        var own = access.Endpoints.SelectMany(e => new[] { e.Queue, RabbitMqTransport.DeadLetterQueueOf(e.Queue) }).ToList();
        var sendable = access.Endpoints.Select(e => e.Queue).Concat(access.SendsTo).ToList();
        var exchanges = new List<string>();
        if (access.Publishes.Count > 0)
        {
            exchanges.Add(eventsExchange);
        }

        exchanges.Add(RabbitMqTopology.DelayExchange);
        exchanges.AddRange(own.Select(RabbitMqTopology.SendExchange));
        exchanges.AddRange(access.SendsTo.Select(RabbitMqTopology.SendExchange));

        var delayed = new List<string>();
        if (sendable.Count > 0)
        {
            delayed.Add($"{DelayRoute.Queue}\\.{AnyOf(sendable)}");
        }

        if (access.Publishes.Count > 0)
        {
            delayed.Add($"{DelayRoute.Topic}\\.{AnyOf(access.Publishes)}");
        }

        return new RabbitMqPermissions(
            Nothing,
            Exactly(exchanges),
            Exactly(own),
            [
                new RabbitMqTopicPermission(eventsExchange, Exactly(access.Publishes), Nothing),
                new RabbitMqTopicPermission(
                    RabbitMqTopology.DelayExchange,
                    delayed.Count == 0 ? Nothing : $"^([01]\\.){{{DelayRoute.Levels}}}({string.Join('|', delayed)})$",
                    Nothing),
            ]);
    }

    private static string Exactly(IEnumerable<string> names) => names.Any() ? $"^{AnyOf(names)}$" : Nothing;

    private static string AnyOf(IEnumerable<string> names) => "(" + string.Join('|', names.Distinct(StringComparer.Ordinal).Select(Escape)) + ")";

    // PCRE: a backslash before any character that is not a letter or digit makes it literal.
    private static string Escape(string name)
    {
        var escaped = new StringBuilder(name.Length * 2);
        foreach (var c in name)
        {
            if (!char.IsAsciiLetterOrDigit(c) && c is not ('_' or '-'))
            {
                escaped.Append('\\');
            }

            escaped.Append(c);
        }

        return escaped.ToString();
    }
}
