using System.Globalization;
using System.Text;
using System.Threading.Channels;
using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Events;
using global::RabbitMQ.Client.Exceptions;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// One instance's membership of an ordered endpoint, and which of the endpoint's partitions it owns
/// (docs/design/rabbitmq-ordering.md, "Membership").
/// </summary>
/// <remarks>
/// <para>
/// Every <c>interval</c> the member publishes an announcement (transient, empty body, message id = its member id,
/// type <c>sb.member.alive</c>) to the fanout exchange <see cref="OrderingNames.MembersExchange"/>, and hears everyone's
/// (its own included) on its exclusive, auto-deleted queue <see cref="OrderingNames.MemberQueue"/>. A member heard within
/// two intervals is live; an announcement of type <c>sb.member.leaving</c> (sent on disposal) removes it at once. The
/// member itself is always live.
/// </para>
/// <para>
/// Absence only counts while this member hears its own announcements, which are the clock of expiry: at each of its
/// own announcements it hears, it drops the members it has not heard for two intervals. A member that stops hearing
/// itself (connection lost or recovering, its queue, binding or channel gone) hears nobody and freezes the live set
/// rather than shrinking it to itself; when it hears itself again the deaf spell is not counted against the others. So
/// a connection loss does not make this member claim every partition and then hand them back; the other members
/// meanwhile drop it, and its partition channels are gone with its connection anyway.
/// </para>
/// <para>
/// Every live member owns <c>partitions / members</c> partitions, or one more (<see cref="Owners"/>): rendezvous
/// hashing with a bound on each member's load. Plain rendezvous hashing (the highest <see cref="Weight"/> wins) moves
/// the fewest partitions, but with 8 partitions it leaves one of 3 instances idle 12 % of the time and one of 4 instances
/// 38 %; the bound costs a few more moves per join or leave (each a hand-over of two announcement intervals).
/// </para>
/// </remarks>
internal sealed class EndpointMembers : IAsyncDisposable
{
    private const string AliveType = "sb.member.alive";
    private const string LeavingType = "sb.member.leaving";

    private readonly IConnection _connection;
    private readonly string _exchange;
    private readonly string _queue;
    private readonly int _partitions;
    private readonly TimeSpan _interval;
    private readonly TimeSpan _liveness;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();

    // The other members heard, with the timestamp (TimeProvider) of their last announcement. Under _gate.
    private readonly Dictionary<string, long> _heard = new(StringComparer.Ordinal);
    private long? _heardSelf;

    private readonly CancellationTokenSource _stopping = new();
    private readonly Channel<bool> _changes = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private Snapshot _snapshot;
    private IChannel? _announcing;
    private IChannel? _hearing;
    private long _hearingSince;
    private volatile bool _recovering;
    private Task _announcer = Task.CompletedTask;
    private Task _notifier = Task.CompletedTask;
    private int _disposed;

    private EndpointMembers(IConnection connection, string queue, int partitions, TimeSpan interval, TimeProvider time)
    {
        _connection = connection;
        _exchange = OrderingNames.MembersExchange(queue);
        _partitions = partitions;
        _interval = interval;
        _liveness = 2 * interval;
        _time = time;
        MemberId = Guid.NewGuid().ToString("N");
        _queue = OrderingNames.MemberQueue(queue, MemberId);
        _snapshot = Snapshot.Of(MemberId, [], partitions);
    }

    /// <summary>This member's id: a new one per instance (and per join).</summary>
    public string MemberId { get; }

    /// <summary>The live members, this one included, in ordinal order.</summary>
    public IReadOnlyList<string> LiveMembers => Volatile.Read(ref _snapshot).Members;

    /// <summary>
    /// Raised, on a thread of its own (never the connection's dispatcher), after the live members changed; read
    /// <see cref="Owns"/> or <see cref="LiveMembers"/> then. Changes that come while a handler runs are coalesced into one
    /// more call, and calls never overlap. A handler must not throw: an exception ends the notifications and is thrown
    /// again by <see cref="DisposeAsync"/>.
    /// </summary>
    public event Action? Changed;

    /// <summary>
    /// Joins the members of ordered endpoint <paramref name="queue"/>: declares and consumes this member's queue, bound
    /// to the endpoint's members exchange (which must exist), announces itself and keeps announcing every
    /// <paramref name="interval"/> until disposed.
    /// </summary>
    public static async Task<EndpointMembers> JoinAsync(IConnection connection, string queue, int partitions, TimeSpan interval, TimeProvider time, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentException.ThrowIfNullOrEmpty(queue);
        ArgumentOutOfRangeException.ThrowIfLessThan(partitions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(partitions, OrderingNames.Slots);
        ArgumentOutOfRangeException.ThrowIfLessThan(interval, TimeSpan.FromMilliseconds(10));
        ArgumentNullException.ThrowIfNull(time);

        var members = new EndpointMembers(connection, queue, partitions, interval, time);

        // Before the first channel: a connection lost meanwhile must not look like a channel to replace (see RepairAsync).
        connection.ConnectionShutdownAsync += members.OnConnectionShutdownAsync;
        connection.RecoverySucceededAsync += members.OnRecoverySucceededAsync;
        try
        {
            members._hearing = await members.ListenAsync(cancellationToken).ConfigureAwait(false);
            members._announcing = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            connection.ConnectionShutdownAsync -= members.OnConnectionShutdownAsync;
            connection.RecoverySucceededAsync -= members.OnRecoverySucceededAsync;
            await members.CloseChannelsAsync().ConfigureAwait(false);
            throw;
        }

        members._notifier = Task.Run(members.NotifyAsync, CancellationToken.None);
        members._announcer = Task.Run(members.AnnounceAsync, CancellationToken.None);
        return members;
    }

    /// <summary>Whether this member owns <paramref name="partition"/> among the live members. Cheap: a lookup in a snapshot.</summary>
    public bool Owns(int partition)
    {
        var owned = Volatile.Read(ref _snapshot).Owned;
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual((uint)partition, (uint)owned.Length, nameof(partition));
        return owned[partition];
    }

    /// <summary>
    /// The weight of <paramref name="memberId"/> for <paramref name="partition"/>: FNV-1a (64 bits) of the UTF-8 of
    /// <c>"{memberId}/{partition}"</c>, mixed with MurmurHash3's 64-bit finaliser (FNV-1a alone barely changes the high
    /// bits for inputs that differ only at the end, so one member would win most partitions).
    /// </summary>
    internal static ulong Weight(string memberId, int partition)
    {
        var hash = 14695981039346656037ul;
        foreach (var b in Encoding.UTF8.GetBytes(memberId + "/" + partition.ToString(CultureInfo.InvariantCulture)))
        {
            hash = (hash ^ b) * 1099511628211ul;
        }

        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdul;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53ul;
        hash ^= hash >> 33;
        return hash;
    }

    /// <summary>
    /// The owner of each of <paramref name="partitions"/> partitions among <paramref name="members"/>: every member owns
    /// <c>partitions / members</c> of them, or one more, and each takes the partitions where its <see cref="Weight"/> is
    /// highest while it has room. The (member, partition) pairs are taken by weight, highest first (of equal weights,
    /// the ordinally greatest id, then the lowest partition); a pair assigns its partition if that is still free and its
    /// member has room: fewer than <c>partitions / members</c>, or exactly that many while fewer than
    /// <c>partitions % members</c> members have one more. A pure function of the set of ids, so members that hear the
    /// same members agree without talking. A join or a leave moves, besides the partitions it takes or hands over, a
    /// few between the others (those the bound pushes on).
    /// </summary>
    internal static string[] Owners(IReadOnlyCollection<string> members, int partitions)
    {
        ArgumentOutOfRangeException.ThrowIfZero(members.Count);
        var pairs = new List<(ulong Weight, string Member, int Partition)>(members.Count * partitions);
        foreach (var member in members)
        {
            for (var partition = 0; partition < partitions; partition++)
            {
                pairs.Add((Weight(member, partition), member, partition));
            }
        }

        pairs.Sort(static (a, b) =>
            b.Weight != a.Weight ? b.Weight.CompareTo(a.Weight)
            : string.CompareOrdinal(b.Member, a.Member) is var byId and not 0 ? byId
            : a.Partition.CompareTo(b.Partition));
        var fewest = partitions / members.Count;
        var withOneMore = partitions % members.Count;
        var owned = new Dictionary<string, int>(StringComparer.Ordinal);
        var owners = new string[partitions];
        var left = partitions;
        foreach (var (_, member, partition) in pairs)
        {
            if (owners[partition] is not null)
            {
                continue;
            }

            var count = owned.GetValueOrDefault(member);
            if (count == fewest && withOneMore > 0)
            {
                withOneMore--;
            }
            else if (count >= fewest)
            {
                continue;
            }

            owned[member] = count + 1;
            owners[partition] = member;
            if (--left == 0)
            {
                break;
            }
        }

        return owners;
    }

    /// <summary>
    /// Leaves: stops announcing, announces "leaving" (the others drop this member at once), deletes this member's queue
    /// and closes its channels. Never fails for a connection that is already closed.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _connection.ConnectionShutdownAsync -= OnConnectionShutdownAsync;
        _connection.RecoverySucceededAsync -= OnRecoverySucceededAsync;
        await _stopping.CancelAsync().ConfigureAwait(false);
        // The announcer is stopped first, so "leaving" is the last thing this member publishes on its channel and no
        // "alive" can overtake it.
        await _announcer.ConfigureAwait(false);
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5)))
        {
            await TryAsync(_announcing, channel => PublishAsync(channel, LeavingType, timeout.Token)).ConfigureAwait(false);
            await TryAsync(_hearing, channel => channel.QueueDeleteAsync(_queue, cancellationToken: timeout.Token)).ConfigureAwait(false);
        }

        await CloseChannelsAsync().ConfigureAwait(false);
        _changes.Writer.TryComplete();
        _stopping.Dispose();
        await _notifier.ConfigureAwait(false);
    }

    private async Task<IChannel> ListenAsync(CancellationToken cancellationToken)
    {
        var channel = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            // Announcements older than the liveness window say nothing any more: the broker drops them.
            var arguments = new Dictionary<string, object?> { ["x-message-ttl"] = (long)Math.Max(1, _liveness.TotalMilliseconds) };
            await channel.QueueDeclareAsync(_queue, durable: false, exclusive: true, autoDelete: true, arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.QueueBindAsync(_queue, _exchange, "", cancellationToken: cancellationToken).ConfigureAwait(false);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += OnAnnouncementAsync;
            await channel.BasicConsumeAsync(_queue, autoAck: true, consumer, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                _hearingSince = _time.GetTimestamp();
            }

            return channel;
        }
        catch
        {
            await TryAsync(channel, c => c.CloseAsync()).ConfigureAwait(false);
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task AnnounceAsync()
    {
        var stopping = _stopping.Token;
        using var timer = new PeriodicTimer(_interval, _time);
        try
        {
            do
            {
                // A publish or a repair that hangs (a blocked or half-dead connection) gives way to the next round.
                using var round = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                round.CancelAfter(_interval);
                try
                {
                    await RepairAsync(round.Token).ConfigureAwait(false);
                    if (_announcing is { IsOpen: true } channel)
                    {
                        await PublishAsync(channel, AliveType, round.Token).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (IsTransient(e))
                {
                    // The connection or a channel is down (or the round timed out, or disposal began): the client recovers
                    // the connection, RepairAsync the channels, and the timer below ends the loop on disposal.
                }
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    // The client's recovery brings back channels, the queue, its binding and the consumer after a connection loss; this
    // replaces what it does not: a channel the broker closed on its own (a channel error), and a consumer that is silent
    // (its queue deleted, or its recovery failed), noticed because this member stopped hearing itself.
    private async Task RepairAsync(CancellationToken cancellationToken)
    {
        if (_recovering || !_connection.IsOpen)
        {
            return;
        }

        if (_announcing is not { IsOpen: true })
        {
            await DisposeQuietlyAsync(_announcing).ConfigureAwait(false);
            _announcing = null;
            _announcing = await _connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        }

        long lastHeard;
        lock (_gate)
        {
            lastHeard = Math.Max(_heardSelf ?? 0, _hearingSince);
        }

        if (_hearing is not { IsOpen: true } || _time.GetElapsedTime(lastHeard) > 3 * _interval)
        {
            await DisposeQuietlyAsync(_hearing).ConfigureAwait(false);
            _hearing = null;
            _hearing = await ListenAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private ValueTask PublishAsync(IChannel channel, string type, CancellationToken cancellationToken)
    {
        var properties = new BasicProperties { MessageId = MemberId, AppId = MemberId, Type = type, DeliveryMode = DeliveryModes.Transient };
        return channel.BasicPublishAsync(_exchange, "", mandatory: false, properties, ReadOnlyMemory<byte>.Empty, cancellationToken);
    }

    // On the connection's dispatcher: a few dictionary operations under the lock; Changed is raised elsewhere.
    private Task OnAnnouncementAsync(object sender, BasicDeliverEventArgs delivery)
    {
        if (delivery.BasicProperties.MessageId is { Length: > 0 } member)
        {
            Heard(member, leaving: delivery.BasicProperties.Type == LeavingType);
        }

        return Task.CompletedTask;
    }

    private void Heard(string member, bool leaving)
    {
        var now = _time.GetTimestamp();
        lock (_gate)
        {
            if (member == MemberId)
            {
                HeardSelf(now);
            }
            else
            {
                var known = _heard.ContainsKey(member);
                if (leaving)
                {
                    _heard.Remove(member);
                }
                else
                {
                    _heard[member] = now;
                }

                if (known == leaving)
                {
                    PublishSnapshot();
                }
            }
        }
    }

    // Under _gate. Our own announcement is the clock of expiry: a member expires when we heard ourselves and had not
    // heard it for two intervals. Deaf, we hear nothing, ourselves included, and nothing expires; absence is measured in
    // time we could hear, so the deaf spell (the gap since our previous echo, when longer than the window) is added to
    // every member's last hearing, and each has as long after it as it had left before.
    private void HeardSelf(long now)
    {
        if (_heardSelf is { } previous && _time.GetElapsedTime(previous, now) > _liveness)
        {
            foreach (var other in _heard.Keys.ToArray())
            {
                _heard[other] += now - previous;
            }
        }

        _heardSelf = now;
        var expired = _heard.Where(pair => _time.GetElapsedTime(pair.Value, now) > _liveness).Select(pair => pair.Key).ToArray();
        foreach (var other in expired)
        {
            _heard.Remove(other);
        }

        if (expired.Length > 0)
        {
            PublishSnapshot();
        }
    }

    // Under _gate: a new snapshot for readers, and a (coalesced) notification.
    private void PublishSnapshot()
    {
        Volatile.Write(ref _snapshot, Snapshot.Of(MemberId, _heard.Keys, _partitions));
        _changes.Writer.TryWrite(true);
    }

    private async Task NotifyAsync()
    {
        await foreach (var _ in _changes.Reader.ReadAllAsync().ConfigureAwait(false))
        {
            Changed?.Invoke();
        }
    }

    private Task OnConnectionShutdownAsync(object? sender, ShutdownEventArgs args)
    {
        _recovering = true;
        return Task.CompletedTask;
    }

    // The recovered consumer gets its three intervals to be heard before RepairAsync replaces it.
    private Task OnRecoverySucceededAsync(object? sender, AsyncEventArgs args)
    {
        lock (_gate)
        {
            _hearingSince = _time.GetTimestamp();
        }

        _recovering = false;
        return Task.CompletedTask;
    }

    private async Task CloseChannelsAsync()
    {
        await DisposeQuietlyAsync(_hearing).ConfigureAwait(false);
        await DisposeQuietlyAsync(_announcing).ConfigureAwait(false);
        _hearing = _announcing = null;
    }

    private static async Task DisposeQuietlyAsync(IChannel? channel)
    {
        if (channel is null)
        {
            return;
        }

        await TryAsync(channel, c => c.CloseAsync()).ConfigureAwait(false);
        await channel.DisposeAsync().ConfigureAwait(false);
    }

    // Channel operations at the end of a channel's life: one that is closed, or whose connection is, has nothing to undo.
    private static async Task TryAsync(IChannel? channel, Func<IChannel, Task> operation)
    {
        if (channel is not { IsOpen: true })
        {
            return;
        }

        try
        {
            await operation(channel).ConfigureAwait(false);
        }
        catch (Exception e) when (IsTransient(e))
        {
        }
    }

    private static Task TryAsync(IChannel? channel, Func<IChannel, ValueTask> operation) =>
        TryAsync(channel, c => operation(c).AsTask());

    private static bool IsTransient(Exception e) =>
        e is RabbitMQClientException or IOException or TimeoutException or OperationCanceledException or ObjectDisposedException;

    private sealed record Snapshot(IReadOnlyList<string> Members, bool[] Owned)
    {
        public static Snapshot Of(string self, IEnumerable<string> others, int partitions)
        {
            var members = others.Append(self).Order(StringComparer.Ordinal).ToArray();
            var owned = Array.ConvertAll(Owners(members, partitions), owner => owner == self);
            return new Snapshot(Array.AsReadOnly(members), owned);
        }
    }
}
