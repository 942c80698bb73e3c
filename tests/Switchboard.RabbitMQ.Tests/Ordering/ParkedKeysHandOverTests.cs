using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Xunit.Abstractions;

namespace Switchboard.RabbitMQ.Tests.Ordering;

/// <summary>
/// Keys parked by dead letters stay parked while their partitions change hands between two live instances of an
/// ordered endpoint: an instance that joins takes about half the partitions over (the first hands them over), and
/// one that leaves gracefully hands them back. Each of the 8 partitions holds one parked key and two healthy keys; the
/// healthy keys' messages, sent in rounds, show from outside which instance is active on each partition.
/// </summary>
public sealed class ParkedKeysHandOverTests(ITestOutputHelper output) : IAsyncLifetime
{
    // Later messages of each parked key sent at each step; a parked key's messages are numbered 0 (the poison) on.
    private const int Later = 3;
    private static readonly string[] Parked = HandOverInstances.KeysPerPartition("parked", 1);
    private static readonly string[] Healthy = HandOverInstances.KeysPerPartition("healthy", 2);
    private readonly string _vhost = "sb-handover-" + Guid.NewGuid().ToString("N")[..8];
    private readonly HandOverLedger _ledger = new();
    private HandOverInstances? _instances;

    private HandOverInstances Instances => _instances!;

    public async Task InitializeAsync()
    {
        await TestBroker.CreateVhostAsync(_vhost);
        _instances = new HandOverInstances(_vhost, _ledger);
    }

    public async Task DisposeAsync()
    {
        await Instances.DisposeAsync();
        await TestBroker.DeleteVhostAsync(_vhost);
    }

    [Fact]
    public async Task Parked_keys_stay_parked_when_their_partitions_move_to_an_instance_that_joins_and_drain_there_in_order_when_redriven()
    {
        var run = await ParkEveryPartitionThenJoinAsync();
        await SendLaterAsync(run.Bus, from: Later + 1, to: 2 * Later);

        await WaitForParkedAsync(run.A, run.Rounds, waiting: 2 * Later);
        AssertNoParkedKeyWasHandled();
        var flowing = _ledger.All.Where(h => Healthy.Contains(h.Key) && h.Number >= run.HandedOverAt).Select(h => h.Instance).Distinct().Order();
        Assert.Equal(["A", "B"], flowing);

        await RedriveAllAsync(run, handlings: 2 * Later + 1);
        AssertDrainedInOrderBy(run.Owners, 2 * Later);
        Assert.Contains(Parked, k => _ledger.Of(k).All(h => h.Instance == "B"));
        await AssertReleasedAsync(run, next: 2 * Later + 1);
    }

    [Fact]
    public async Task Parked_keys_stay_parked_when_an_instance_that_took_their_partitions_leaves_and_drain_in_order_when_redriven()
    {
        var run = await ParkEveryPartitionThenJoinAsync();
        await SendLaterAsync(run.Bus, from: Later + 1, to: 2 * Later);
        await WaitForParkedAsync(run.A, run.Rounds, waiting: 2 * Later);

        await Instances.StopAsync(run.B);
        await Instances.MembersAsync(1);
        var allOnA = Enumerable.Repeat("A", HandOverInstances.Partitions).ToArray();
        await run.Rounds.UntilActiveOnAsync(allOnA, "every partition to be active on A again");
        await SendLaterAsync(run.Bus, from: 2 * Later + 1, to: 3 * Later);

        await WaitForParkedAsync(run.A, run.Rounds, waiting: 3 * Later);
        AssertNoParkedKeyWasHandled();

        await RedriveAllAsync(run, handlings: 3 * Later + 1);
        AssertDrainedInOrderBy(allOnA, 3 * Later);
        await AssertReleasedAsync(run with { Owners = allOnA }, next: 3 * Later + 1);
    }

    // Instance A parks one key per partition (its first message is poison) with Later messages behind it, while the
    // healthy keys flow; then instance B joins and the partitions B owns become active on B.
    private async Task<HandedOver> ParkEveryPartitionThenJoinAsync()
    {
        var a = await Instances.StartAsync("A");
        var idOfA = Assert.Single(await Instances.MembersAsync(1));
        var bus = a.Services.GetRequiredService<IBus>();
        var rounds = new HealthyRounds(bus, _ledger, Healthy);
        await Task.WhenAll(Parked.Select(k => bus.SendAsync(HandOverInstances.Queue, new KeyedStep(k, 0, Poison: true)).AsTask()));
        await SendLaterAsync(bus, from: 1, to: Later);
        await WaitForParkedAsync(a, rounds, waiting: Later);

        // Rendezvous hashing gives the newcomer each partition with even odds: one that would own none (nothing would
        // move) or all (A would have nothing left to show that it still works) is replaced by another.
        for (var attempt = 1; ; attempt++)
        {
            var b = await Instances.StartAsync("B");
            var members = await Instances.MembersAsync(2);
            var owners = HandOverInstances.Owners(members).Select(id => id == idOfA ? "A" : "B").ToArray();
            var moving = owners.Count(o => o == "B");
            output.WriteLine($"Attempt {attempt}: B owns {moving} partition(s): {string.Join(", ", Enumerable.Range(0, owners.Length).Where(p => owners[p] == "B").Select(p => "p" + p))}");
            if (moving is > 0 and < HandOverInstances.Partitions)
            {
                var handedOverAt = await rounds.UntilActiveOnAsync(owners, "the partitions B owns to be active on B, and A's on A") + 1;
                output.WriteLine($"Handed over by round {handedOverAt - 1}.");
                return new HandedOver(a, b, bus, rounds, owners, handedOverAt);
            }

            Assert.True(attempt < 5, "Five newcomers in a row owned no partition or all of them.");
            await Instances.StopAsync(b);
            await Instances.MembersAsync(1);
        }
    }

    private static async Task SendLaterAsync(IBus bus, int from, int to)
    {
        // A key's messages one after another, the keys side by side.
        for (var number = from; number <= to; number++)
        {
            var n = number;
            await Task.WhenAll(Parked.Select(k => bus.SendAsync(HandOverInstances.Queue, new KeyedStep(k, n)).AsTask()));
        }
    }

    // While healthy rounds go on: every parked key is listed with its dead letter and its waiting messages. A parked
    // key's message handled meanwhile fails the test at once, rather than when the wait times out.
    private async Task WaitForParkedAsync(IHost host, HealthyRounds rounds, int waiting)
    {
        IReadOnlyList<ParkedKey> listed = [];
        await rounds.UntilAsync(
            async _ =>
            {
                AssertNoParkedKeyWasHandled();
                listed = await HandOverInstances.ParkedKeysAsync(host);
                return listed.Count == Parked.Length && listed.All(p => p.Waiting == waiting);
            },
            $"the {Parked.Length} parked keys listed with {waiting} message(s) waiting each",
            () => "listed: " + string.Join(", ", listed));

        Assert.Equal(Parked.Order(), listed.Select(p => p.Key).Order());
        var letters = await host.Services.GetRequiredService<IDeadLetterQueue>().ListAsync(HandOverInstances.Queue);
        Assert.Equal(
            letters.Select(l => (l.OrderingKey, l.Id)).Order(),
            listed.Select(p => ((string?)p.Key, p.DeadLetterId)).Order());
    }

    private void AssertNoParkedKeyWasHandled()
    {
        var handled = _ledger.All.Where(h => Parked.Contains(h.Key)).ToList();
        Assert.True(handled.Count == 0, "Parked keys' messages were handled: " + string.Join(", ", handled.Select(h => $"{h.Key} (p{HandOverInstances.PartitionOf(h.Key)}) #{h.Number} on {h.Instance}")));
    }

    // Fixed, the poison messages succeed: every dead letter is re-driven, and each parked key's messages all run.
    private async Task RedriveAllAsync(HandedOver run, int handlings)
    {
        _ledger.Cure();
        Assert.Equal(Parked.Length, await run.A.Services.GetRequiredService<IDeadLetterQueue>().RedriveAllAsync(HandOverInstances.Queue));

        IReadOnlyList<ParkedKey> listed = [];
        await Eventually.UntilAsync(
            async () => Parked.All(k => _ledger.Of(k).Count >= handlings) && (listed = await HandOverInstances.ParkedKeysAsync(run.A)).Count == 0,
            "every parked key to drain and be released",
            () => "handled: " + string.Join("; ", Parked.Select(k => $"{k}: {string.Join(", ", _ledger.Of(k).Select(h => h.Number))}")) + Environment.NewLine + "still listed: " + string.Join(", ", listed));
        Assert.Equal(0, await run.A.Services.GetRequiredService<IDeadLetterQueue>().CountAsync(HandOverInstances.Queue));
    }

    // The dead letter first, then the parked messages in send order, each once, on the instance active on its partition.
    private void AssertDrainedInOrderBy(IReadOnlyList<string> owners, int last)
    {
        foreach (var key in Parked)
        {
            var handled = _ledger.Of(key);
            Assert.Equal(Enumerable.Range(0, last + 1), handled.Select(h => h.Number));
            var owner = owners[HandOverInstances.PartitionOf(key)];
            Assert.True(handled.All(h => h.Instance == owner), $"{key} (p{HandOverInstances.PartitionOf(key)}) should run on {owner}: {string.Join(", ", handled)}");
        }
    }

    // A released key's next message runs at once, and the healthy keys ran in send order, each message once.
    private async Task AssertReleasedAsync(HandedOver run, int next)
    {
        await Task.WhenAll(Parked.Select(k => run.Bus.SendAsync(HandOverInstances.Queue, new KeyedStep(k, next)).AsTask()));
        await Eventually.UntilAsync(() => Parked.All(k => _ledger.Of(k).Count == next + 1), "the released keys' next messages to be handled");
        AssertDrainedInOrderBy(run.Owners, next);

        foreach (var key in Healthy)
        {
            Assert.Equal(Enumerable.Range(0, run.Rounds.Sent), _ledger.Of(key).Select(h => h.Number));
        }
    }

    /// <summary>A run after the hand-over: the instances, the owner of each partition, and the first healthy round sent after.</summary>
    private sealed record HandedOver(IHost A, IHost B, IBus Bus, HealthyRounds Rounds, string[] Owners, int HandedOverAt);
}
