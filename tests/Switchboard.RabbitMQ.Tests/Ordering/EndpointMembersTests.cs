using System.Collections.Concurrent;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Switchboard.Conformance.Harness;
using Switchboard.RabbitMQ.Ordering;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>
/// Instances of one ordered endpoint, each on a connection of its own, hear each other on the broker and agree on who
/// owns which partition; they drop a member that leaves at once, one that went silent after two intervals, and hear
/// again a member whose connection recovered.
/// </summary>
public sealed class EndpointMembersTests : IAsyncLifetime
{
    private const string Endpoint = "orders";
    private readonly string _vhost = "sb-members-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IAsyncDisposable> _cleanup = [];

    public async Task InitializeAsync()
    {
        await TestBroker.CreateVhostAsync(_vhost);

        // The topology declares it in production; here the test does.
        await using var connection = await ConnectAsync(TestBroker.UriFor(_vhost));
        await using var channel = await connection.CreateChannelAsync();
        await channel.ExchangeDeclareAsync(OrderingNames.MembersExchange(Endpoint), ExchangeType.Fanout, durable: true);
    }

    public async Task DisposeAsync()
    {
        // Members before their connections, newest first.
        for (var i = _cleanup.Count - 1; i >= 0; i--)
        {
            await _cleanup[i].DisposeAsync();
        }

        await TestBroker.DeleteVhostAsync(_vhost);
    }

    [Theory]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Members_that_heard_each_other_agree_on_one_owner_for_every_partition(int count)
    {
        var members = new List<EndpointMembers>();
        for (var i = 0; i < count; i++)
        {
            members.Add(await JoinAsync(partitions: 8, TimeSpan.FromMilliseconds(250)));
        }

        await WaitUntilAllHearAllAsync(members);

        var expected = EndpointMembers.Owners(members.Select(m => m.MemberId).ToArray(), 8);
        for (var partition = 0; partition < 8; partition++)
        {
            var owners = members.Where(m => m.Owns(partition)).Select(m => m.MemberId).ToArray();
            Assert.Equal([expected[partition]], owners);
        }
    }

    [Fact]
    public async Task A_third_member_takes_its_share_of_the_partitions_from_the_first_two()
    {
        const int partitions = 64;
        var interval = TimeSpan.FromMilliseconds(250);
        var first = await JoinAsync(partitions, interval);
        var second = await JoinAsync(partitions, interval);
        await WaitUntilAllHearAllAsync([first, second]);
        var before = OwnersOf([first, second], partitions);
        Assert.All(new[] { first, second }, m => Assert.Equal(32, before.Count(o => o == m.MemberId)));

        var third = await JoinAsync(partitions, interval);
        await WaitUntilAllHearAllAsync([first, second, third]);
        var after = OwnersOf([first, second, third], partitions);

        Assert.Equal(EndpointMembers.Owners([first.MemberId, second.MemberId, third.MemberId], partitions), after);
        Assert.All(new[] { first, second, third }, m => Assert.InRange(after.Count(o => o == m.MemberId), 21, 22));
    }

    [Fact]
    public async Task A_member_that_leaves_is_dropped_at_once_and_its_queue_deleted()
    {
        // An interval so long that only the "leaving" announcement can explain the drop within the wait below.
        var interval = TimeSpan.FromSeconds(30);
        var staying = await JoinAsync(partitions: 8, interval);
        var leaving = await JoinAsync(partitions: 8, interval);
        await WaitUntilAsync(() => staying.LiveMembers.Contains(leaving.MemberId), "the staying member hears the other");

        await leaving.DisposeAsync();

        await WaitUntilAsync(() => staying.LiveMembers.SequenceEqual([staying.MemberId]), "the leaving member dropped", TimeSpan.FromSeconds(20));
        Assert.All(Enumerable.Range(0, 8), p => Assert.True(staying.Owns(p)));
        Assert.False(await QueueExistsAsync(OrderingNames.MemberQueue(Endpoint, leaving.MemberId)));
    }

    [Fact]
    public async Task A_member_whose_connection_was_cut_expires_while_it_keeps_the_others_it_cannot_hear()
    {
        var interval = TimeSpan.FromMilliseconds(200);
        await using var proxy = OpenProxy();
        var direct = await JoinAsync(partitions: 8, interval);
        var cut = await JoinAsync(partitions: 8, interval, await ConnectAsync(ThroughProxy(proxy)));
        await WaitUntilAllHearAllAsync([direct, cut]);

        await proxy.CloseAsync();

        await WaitUntilAsync(() => direct.LiveMembers.SequenceEqual([direct.MemberId]), "the cut member expired");
        // The cut member heard nobody for as long, itself included: it froze its view rather than claim every partition.
        Assert.Equal(new[] { direct.MemberId, cut.MemberId }.Order(StringComparer.Ordinal), cut.LiveMembers);

        // Leaving without a connection does not fail.
        await cut.DisposeAsync();
    }

    [Fact]
    public async Task A_member_whose_connection_recovers_is_heard_again_and_hears_again_without_losing_the_others()
    {
        var interval = TimeSpan.FromMilliseconds(300);
        await using var proxy = OpenProxy();
        var direct = await JoinAsync(partitions: 8, interval);
        var recovering = await JoinAsync(partitions: 8, interval, await ConnectAsync(ThroughProxy(proxy)));
        await WaitUntilAllHearAllAsync([direct, recovering]);
        var views = new ConcurrentQueue<string[]>();
        recovering.Changed += () => views.Enqueue([.. recovering.LiveMembers]);

        // Twice: the second loss is noticed on the connection the client recovered.
        for (var outage = 1; outage <= 2; outage++)
        {
            await proxy.CloseAsync();
            await WaitUntilAsync(() => !direct.LiveMembers.Contains(recovering.MemberId), $"the disconnected member expired (outage {outage})");
            proxy.Open();
            await WaitUntilAsync(() => direct.LiveMembers.Contains(recovering.MemberId), $"the recovered member heard again (outage {outage})");
        }

        // Hearing resumed too (the broker deleted its exclusive queue with the connection; recovery declared it again).
        var newcomer = await JoinAsync(partitions: 8, interval);
        await WaitUntilAllHearAllAsync([direct, recovering, newcomer]);
        Assert.True(await QueueExistsAsync(OrderingNames.MemberQueue(Endpoint, recovering.MemberId)));

        // Through the outage and the recovery the member never saw itself alone.
        Assert.DoesNotContain(views, view => view.SequenceEqual([recovering.MemberId]));
    }

    [Fact]
    public async Task Members_whose_exchange_was_deleted_and_declared_again_hear_each_other_again()
    {
        var interval = TimeSpan.FromMilliseconds(200);
        var first = await JoinAsync(partitions: 8, interval);
        var second = await JoinAsync(partitions: 8, interval);
        await WaitUntilAllHearAllAsync([first, second]);

        // The broker closes each member's announcing channel (404 on publish) and removes their queues' bindings, while
        // the connections stay up: the client's recovery has nothing to do, the members repair it themselves.
        await using (var connection = await ConnectAsync(TestBroker.UriFor(_vhost)))
        await using (var channel = await connection.CreateChannelAsync())
        {
            await channel.ExchangeDeleteAsync(OrderingNames.MembersExchange(Endpoint));
            await channel.ExchangeDeclareAsync(OrderingNames.MembersExchange(Endpoint), ExchangeType.Fanout, durable: true);
        }

        var newcomer = await JoinAsync(partitions: 8, interval);
        await WaitUntilAllHearAllAsync([first, second, newcomer]);
    }

    [Fact]
    public async Task Leaving_after_the_connection_was_closed_does_not_fail()
    {
        var connection = await ConnectAsync(TestBroker.UriFor(_vhost));
        var members = await JoinAsync(partitions: 8, TimeSpan.FromMilliseconds(200), connection);
        await WaitUntilAsync(() => members.LiveMembers.Count == 1, "joined");

        await connection.CloseAsync();
        await members.DisposeAsync();
    }

    [Fact]
    public async Task Joining_an_endpoint_without_a_members_exchange_fails()
    {
        var connection = await ConnectAsync(TestBroker.UriFor(_vhost));

        await Assert.ThrowsAsync<OperationInterruptedException>(() =>
            EndpointMembers.JoinAsync(connection, "no-such-endpoint", 8, TimeSpan.FromSeconds(1), TimeProvider.System, CancellationToken.None));
    }

    private async Task<EndpointMembers> JoinAsync(int partitions, TimeSpan interval, IConnection? connection = null)
    {
        connection ??= await ConnectAsync(TestBroker.UriFor(_vhost));
        var members = await EndpointMembers.JoinAsync(connection, Endpoint, partitions, interval, TimeProvider.System, CancellationToken.None);
        _cleanup.Add(members);
        return members;
    }

    // The transport's own settings: automatic and topology recovery, every 2 s.
    private async Task<IConnection> ConnectAsync(Uri uri)
    {
        var factory = RabbitMqTransport.CreateConnectionFactory(new RabbitMqTransportOptions { Uri = uri, Heartbeat = TimeSpan.FromSeconds(5) });
        var connection = await factory.CreateConnectionAsync();
        _cleanup.Add(connection);
        return connection;
    }

    private static TcpProxy OpenProxy()
    {
        var proxy = TcpProxy.Closed(TestBroker.AmqpUri.Host, TestBroker.AmqpUri.Port);
        proxy.Open();
        return proxy;
    }

    private Uri ThroughProxy(TcpProxy proxy) => new UriBuilder(TestBroker.UriFor(_vhost)) { Port = proxy.Port }.Uri;

    private async Task<bool> QueueExistsAsync(string queue)
    {
        await using var connection = await new ConnectionFactory { Uri = TestBroker.UriFor(_vhost) }.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        try
        {
            await channel.QueueDeclarePassiveAsync(queue);
            return true;
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode is 404 or 405)
        {
            // 405: it exists, exclusive to its member's connection.
            return e.ShutdownReason.ReplyCode == 405;
        }
    }

    private static string[] OwnersOf(IReadOnlyList<EndpointMembers> members, int partitions) =>
        [.. Enumerable.Range(0, partitions).Select(p => Assert.Single(members, m => m.Owns(p)).MemberId)];

    private static Task WaitUntilAllHearAllAsync(IReadOnlyList<EndpointMembers> members)
    {
        var ids = members.Select(m => m.MemberId).Order(StringComparer.Ordinal).ToArray();
        return WaitUntilAsync(() => members.All(m => m.LiveMembers.SequenceEqual(ids)), $"{members.Count} members hear each other");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting until {what}.");
            }

            await Task.Delay(20);
        }
    }
}
