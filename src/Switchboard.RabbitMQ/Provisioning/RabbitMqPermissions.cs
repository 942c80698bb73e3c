using System.Text;
using Switchboard.RabbitMQ.Ordering;
using Switchboard.RabbitMQ.Topology;

namespace Switchboard.RabbitMQ;

/// <summary>
/// The permissions of one service's user on its vhost, as RabbitMQ regular expressions: configure, write and read on
/// exchanges and queues, plus topic permissions that restrict routing keys on the topic exchanges it writes to.
/// </summary>
/// <param name="Configure">What it may declare or delete: nothing, since an administrator provisions the topology (except the run-time queues of an ordered endpoint).</param>
/// <param name="Write">The exchanges it may publish to (and the queues it may bind).</param>
/// <param name="Read">The queues it may consume from (and the exchanges it may bind from).</param>
/// <param name="TopicPermissions">The routing keys it may publish (and bind) with on the topic exchanges it uses.</param>
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
    /// and whoever may configure an exchange may delete it. The exception is an ordered endpoint <c>Q</c>, whose
    /// instances declare queues at run time: exactly <c>Q.parked.{32 hex}</c> (a parked key's later messages) and
    /// <c>Q.members.{32 hex}</c> (one instance's view of the others). That is a real widening, not a harmless one: such a
    /// user can declare one of those queues with <c>sb.delay</c> as its dead-letter exchange and any routing key, and so
    /// reach any queue through the delay chain. Grant it only to services trusted that far, until membership and parking
    /// need no run-time queues.</item>
    /// <item>write: the events exchange (if it publishes), the delay chain's entry, and the send exchange of each queue it may
    /// send to: its own endpoints and their dead-letter queues (retries, dead letters, re-drives) and <see cref="RabbitMqServiceAccess.SendsTo"/>.
    /// Never the default exchange, which reaches every queue and ignores topic permissions. For an ordered endpoint also
    /// its members and parking exchanges (heartbeats, parked messages, the parking log), and its run-time queues
    /// (binding a queue needs write on it). Not its order exchange: sends and re-drives reach it through <c>sb.send.Q</c>.</item>
    /// <item>read: its endpoint queues (for an ordered endpoint its partitions, its parking log and its run-time queues)
    /// and their dead-letter queues. No exchange, except an ordered endpoint's members and parking exchanges, which its
    /// run-time queues are bound to (<c>queue.bind</c> needs read on the source). Whoever may read an exchange may bind it
    /// to any exchange it may write, the delay chain's entry included, and then publish into it with any routing key the
    /// exchange lets in: which is why those two are topic exchanges, with topic permissions that let in (and bind) only
    /// the names of the endpoint's own objects, routing keys that match nothing on the delay chain or on the events
    /// exchange (whose type names a receiver would refuse from that exchange anyway).</item>
    /// <item>topic permissions: on the events exchange, exactly the types it publishes; on the delay chain, delayed sends
    /// to the queues it may send to and delayed publishes of its own types. Nothing may be bound (read) on either. For an
    /// ordered endpoint, on its members exchange the empty routing key only (it works as a fanout), on its parking
    /// exchange the names of its parking log and parked queues (publish) and of its parked queues (bind).</item>
    /// </list>
    /// </summary>
    /// <param name="access">What the service does.</param>
    /// <param name="options">The transport's names: the events exchange, and the number of partitions of an ordered endpoint.</param>
    public static RabbitMqPermissions For(RabbitMqServiceAccess access, RabbitMqTransportOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(access);
        options ??= new RabbitMqTransportOptions { Uri = new Uri("amqp://localhost") };
        var eventsExchange = options.EventsExchange;
        var ordered = access.Endpoints.Where(e => e.Ordered).Select(e => e.Queue).Distinct(StringComparer.Ordinal).ToList();
        var own = access.Endpoints.SelectMany(e => e.Ordered
                ? [.. OrderedTopology.Partitions(e.Queue, options.Partitions), OrderingNames.ParkingLog(e.Queue), RabbitMqTransport.DeadLetterQueueOf(e.Queue)]
                : new[] { e.Queue, RabbitMqTransport.DeadLetterQueueOf(e.Queue) })
            .ToList();
        var sendable = access.Endpoints.Select(e => e.Queue).Concat(access.SendsTo).ToList();
        var exchanges = new List<string>();
        if (access.Publishes.Count > 0)
        {
            exchanges.Add(eventsExchange);
        }

        exchanges.Add(RabbitMqTopology.DelayExchange);
        exchanges.AddRange(access.Endpoints.SelectMany(e => new[] { e.Queue, RabbitMqTransport.DeadLetterQueueOf(e.Queue) }).Select(RabbitMqTopology.SendExchange));
        exchanges.AddRange(access.SendsTo.Select(RabbitMqTopology.SendExchange));
        var orderExchanges = ordered.SelectMany(q => new[] { OrderingNames.MembersExchange(q), OrderingNames.ParkingExchange(q) }).ToList();
        exchanges.AddRange(orderExchanges);

        var delayed = new List<string>();
        if (sendable.Count > 0)
        {
            delayed.Add($"{DelayRoute.Queue}\\.{AnyOf(sendable)}");
        }

        if (access.Publishes.Count > 0)
        {
            delayed.Add($"{DelayRoute.Topic}\\.{AnyOf(access.Publishes)}");
        }

        // Patterns, not names: these queues are named at run time by a hash (OrderingNames.ParkedQueue, MemberQueue).
        var runTime = ordered.SelectMany(q => new[] { RunTimeQueues(OrderingNames.ParkedQueue(q, "")), RunTimeQueues(OrderingNames.MemberQueue(q, Guid.Empty.ToString("N"))) }).ToList();
        var topics = new List<RabbitMqTopicPermission>
        {
            new(eventsExchange, Exactly(access.Publishes), Nothing),
            new(
                RabbitMqTopology.DelayExchange,
                delayed.Count == 0 ? Nothing : $"^([01]\\.){{{DelayRoute.Levels}}}({string.Join('|', delayed)})$",
                Nothing),
        };
        foreach (var queue in ordered)
        {
            var parked = RunTimeQueues(OrderingNames.ParkedQueue(queue, ""));
            topics.Add(new(OrderingNames.MembersExchange(queue), Nothing, Nothing));
            topics.Add(new(OrderingNames.ParkingExchange(queue), $"^({Escape(OrderingNames.ParkingLog(queue))}|{parked})$", $"^{parked}$"));
        }

        return new RabbitMqPermissions(
            runTime.Count == 0 ? Nothing : $"^({string.Join('|', runTime)})$",
            Alternatives([.. exchanges.Distinct(StringComparer.Ordinal).Select(Escape), .. runTime]),
            Alternatives([.. own.Distinct(StringComparer.Ordinal).Select(Escape), .. runTime, .. orderExchanges.Select(Escape)]),
            topics);
    }

    // The pattern of the run-time queues named like example: its last 32 characters are the hex of a hash or a Guid.
    private static string RunTimeQueues(string example) => Escape(example[..^32]) + "[0-9a-f]{32}";

    private static string Alternatives(IReadOnlyCollection<string> patterns) => patterns.Count == 0 ? Nothing : $"^({string.Join('|', patterns)})$";

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
