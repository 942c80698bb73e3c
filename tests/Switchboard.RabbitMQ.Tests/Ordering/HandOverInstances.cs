using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.RabbitMQ.Ordering;
using Switchboard.Transport;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>
/// The instances of ordered endpoint <see cref="Queue"/> in a vhost of a test's own, each a generic host tagged with
/// its name; a poison message is dead-lettered at its first failure. Tells the endpoint's live members by the member
/// queues the broker holds, and so which instance owns each partition.
/// </summary>
public sealed class HandOverInstances(string vhost, HandOverLedger ledger) : IAsyncDisposable
{
    public const string Queue = "ordered-handover";
    public const int Partitions = 8;

    // Short, so that instances hear each other and hand partitions over within a second or two.
    private static readonly TimeSpan AnnouncementInterval = TimeSpan.FromMilliseconds(300);
    private readonly List<IHost> _running = [];

    public async Task<IHost> StartAsync(string name)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.SetMinimumLevel(LogLevel.Critical);
        builder.Services.AddSingleton(ledger);
        builder.Services.AddSingleton(new InstanceName(name));
        builder.Services.AddSwitchboard(bus => bus
            .Message<KeyedStep>("tests.keyed-step.v1")
            .Endpoint(Queue, e => e
                .OrderedBy<KeyedStep>(s => s.Key)
                .Handle<KeyedStep, KeyedStepHandler>()
                .Concurrency(4)
                .Retry(RetryPolicy.None))
            .UseRabbitMq(new RabbitMqTransportOptions
            {
                Uri = TestBroker.UriFor(vhost),
                Partitions = Partitions,
                AnnouncementInterval = AnnouncementInterval,
            }));
        var host = builder.Build();
        _running.Add(host);
        await host.StartAsync();
        return host;
    }

    /// <summary>Stops an instance gracefully: it hands its partitions over and leaves the endpoint's members.</summary>
    public async Task StopAsync(IHost host)
    {
        _running.Remove(host);
        await host.StopAsync();
        host.Dispose();
    }

    /// <summary>The member ids of the endpoint's live instances: each declares a member queue named by its id while it runs.</summary>
    public async Task<IReadOnlyList<string>> MemberIdsAsync()
    {
        var prefix = OrderingNames.MemberQueue(Queue, "");
        return [.. (await TestBroker.QueueNamesAsync(vhost)).Where(q => q.StartsWith(prefix, StringComparison.Ordinal)).Select(q => q[prefix.Length..])];
    }

    /// <summary>Waits until the endpoint has exactly <paramref name="count"/> members, and returns their ids.</summary>
    public async Task<IReadOnlyList<string>> MembersAsync(int count)
    {
        IReadOnlyList<string> members = [];
        await Eventually.UntilAsync(async () => (members = await MemberIdsAsync()).Count == count, $"{count} member(s) of {Queue}", () => $"members: {string.Join(", ", members)}");
        return members;
    }

    /// <summary>The owner of each partition among <paramref name="members"/>, by the rule the instances use.</summary>
    public static string[] Owners(IReadOnlyList<string> members) => EndpointMembers.Owners(members, Partitions);

    public static int PartitionOf(string key) => OrderingNames.PartitionOf(key, Partitions);

    /// <summary>Keys named <c>{prefix}-{n}</c>, <paramref name="perPartition"/> in each partition, partition by partition.</summary>
    public static string[] KeysPerPartition(string prefix, int perPartition) =>
        [.. Enumerable.Range(0, 10_000).Select(n => $"{prefix}-{n}")
            .GroupBy(PartitionOf)
            .OrderBy(g => g.Key)
            .SelectMany(g => g.Take(perPartition))];

    public static ValueTask<IReadOnlyList<ParkedKey>> ParkedKeysAsync(IHost host) =>
        ((IOrderedTransport)host.Services.GetRequiredService<ITransport>()).ListParkedKeysAsync(Queue);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in _running.ToList())
        {
            await StopAsync(host);
        }
    }
}
