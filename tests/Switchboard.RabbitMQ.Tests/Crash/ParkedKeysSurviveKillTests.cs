using System.Globalization;
using Xunit.Abstractions;

namespace Switchboard.RabbitMQ.Tests.Crash;

/// <summary>
/// kill -9 of the consumer process of an ordered endpoint while keys are parked, and while a re-driven key drains: one
/// key of each partition is parked by a poison message (dead-lettered at once) while the other keys flow. The process
/// that takes the partitions over learns the parked and draining keys from the parking log alone: a parked key's later
/// messages, sent before and after the kill, wait in its parked queue and are listed with their count; once the poison
/// is cured and the dead letters re-driven, each key runs its dead letter, then its parked messages in send order.
/// </summary>
[Collection(CrashCollection.Name)]
public sealed class ParkedKeysSurviveKillTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const string Queue = "crash-parked";
    private const int Keys = 24;
    private const int Partitions = 8; // the crash host's: RabbitMqTransportOptions' default
    private const int HandlerDelayMilliseconds = 10;
    private const int BusyRounds = 20;

    // Each key's round 1 is handled; a parked key's round 2 is its poison, and what it is sent from then on waits.
    private const int PoisonRound = 2;
    private readonly string _vhost = "sb-crash-parked-" + Guid.NewGuid().ToString("N")[..8];
    private readonly KeyedRounds _rounds = new(Keys, Partitions);
    private OperatorBus? _operator;

    private Uri Vhost => TestBroker.UriFor(_vhost);

    private string PoisonFile => Path.Combine(Path.GetTempPath(), _vhost + ".poison");

    private OperatorBus Operator => _operator!;

    public async Task InitializeAsync()
    {
        await TestBroker.CreateVhostAsync(_vhost);
        await File.WriteAllLinesAsync(PoisonFile, _rounds.Parked.Select(k => Text(Poison(k))));
    }

    public async Task DisposeAsync()
    {
        if (_operator is not null)
        {
            await _operator.DisposeAsync();
        }

        File.Delete(PoisonFile);
        await TestBroker.DeleteVhostAsync(_vhost);
    }

    [Fact]
    public async Task Parked_keys_stay_parked_through_a_kill_9_and_drain_in_order_on_the_survivor_when_redriven()
    {
        using var killed = await StartConsumerAsync("killed consumer");
        await ParkAsync(rounds: 5, killed);

        // The healthy keys keep the killed process busy: it dies holding unacknowledged messages of theirs.
        var busyFrom = _rounds.Number(_rounds.Sent + 1, 0);
        await _rounds.SendAsync(Operator, _rounds.Healthy, rounds: BusyRounds);
        var busy = BusyRounds * _rounds.Healthy.Count;
        await killed.WaitUntilAsync(o => Handling.Of(killed).Count(h => h.Number >= busyFrom) >= busy / 4, "a quarter of the busy rounds handled");
        await killed.KillAsync();
        Assert.True(Handling.Of(killed).Count(h => h.Number >= busyFrom) < busy, "The consumer must be killed before it handled the busy rounds.");

        // The survivor takes every partition over; what a parked key is sent now waits behind what it was sent before.
        using var survivor = await StartConsumerAsync("survivor");
        await _rounds.SendAsync(Operator, [.. Enumerable.Range(0, Keys)], rounds: 4);
        await WaitForParkedAsync(waiting: _rounds.Sent - PoisonRound - BusyRounds, killed, survivor);
        Assert.Contains(Handling.Of(survivor), h => _rounds.Healthy.Contains(_rounds.KeyOf(h.Number)));

        await RedriveAsync(killed, survivor);
        var handled = Handling.Merged(killed, survivor);
        Describe(handled, killed, survivor);
        var broken = RabbitMqCrashRuns.OrderBroken(handled, Keys, _rounds.SentOf);
        Assert.True(broken is null, broken);

        // Nothing of a parked key was in flight at the kill: from its dead letter on, each message ran once, on the survivor.
        foreach (var key in _rounds.Parked)
        {
            var fromPoison = handled.Where(h => _rounds.KeyOf(h.Number) == key && h.Number >= Poison(key)).ToList();
            Assert.Equal(_rounds.SentOf(key).Where(n => n >= Poison(key)), fromPoison.Select(h => h.Number));
            Assert.All(fromPoison, h => Assert.Equal(survivor.Name, h.By));
        }

        Assert.True(await survivor.StopAsync() == 0, survivor.Describe());
    }

    [Fact]
    public async Task A_key_draining_when_its_consumer_is_killed_drains_on_in_order_on_the_survivor()
    {
        using var killed = await StartConsumerAsync("killed consumer");
        var partly = await KillWhileDrainingAsync(killed);

        // The keys flow on through every partition, the drained keys' later messages behind their parked ones.
        using var survivor = await StartConsumerAsync("survivor");
        await _rounds.SendAsync(Operator, [.. Enumerable.Range(0, Keys)], rounds: 3);
        await UntilAllHandledAndReleasedAsync(killed, survivor);
        AssertDrainedOnBy(survivor, partly, killed);
        Assert.True(await survivor.StopAsync() == 0, survivor.Describe());
    }

    [Fact]
    public async Task A_key_draining_when_its_consumer_is_killed_drains_on_even_when_its_partition_gets_no_further_message()
    {
        using var killed = await StartConsumerAsync("killed consumer");
        var partly = await KillWhileDrainingAsync(killed);

        // Nothing more is sent: what is left to drain is in the parked queues only.
        using var survivor = await StartConsumerAsync("survivor");
        await UntilAllHandledAndReleasedAsync(killed, survivor);
        AssertDrainedOnBy(survivor, partly, killed);
        Assert.True(await survivor.StopAsync() == 0, survivor.Describe());
    }

    // Re-driven one after the other, the parked keys drain a few at a time (the process handles 4 messages at once);
    // it dies once one key is part way through its parked messages, likely before every dead letter is back. Returns
    // the keys it drained part of.
    private async Task<List<int>> KillWhileDrainingAsync(CrashHostProcess consumer)
    {
        await ParkAsync(rounds: 12, consumer);
        var waiting = _rounds.Sent - PoisonRound;
        File.Delete(PoisonFile);
        var redrive = Operator.DeadLetters.RedriveAllAsync(Queue).AsTask();
        await consumer.WaitUntilAsync(o => _rounds.Parked.Any(k => DrainedBy(consumer, k) >= 2), "a key part way through its parked messages");
        await consumer.KillAsync();
        Assert.Equal(_rounds.Parked.Count, await redrive);

        var partly = _rounds.Parked.Where(k => DrainedBy(consumer, k) is var n && n > 0 && n < waiting).ToList();
        output.WriteLine($"At the kill, parked messages handled per key: {string.Join(", ", _rounds.Parked.Select(k => $"{k}: {DrainedBy(consumer, k)}"))}");
        Assert.True(partly.Count > 0, "The consumer must be killed while a key is part way through its parked messages.");
        return partly;
    }

    // Every key in send order, the parked message handled but not acknowledged at the kill possibly again right after
    // itself; the survivor drained the rest of what the killed consumer had begun.
    private void AssertDrainedOnBy(CrashHostProcess survivor, List<int> partly, CrashHostProcess killed)
    {
        var handled = Handling.Merged(killed, survivor);
        Describe(handled, killed, survivor);
        var broken = RabbitMqCrashRuns.OrderBroken(handled, Keys, _rounds.SentOf);
        Assert.True(broken is null, broken);
        Assert.All(partly, k => Assert.Contains(handled, h => _rounds.KeyOf(h.Number) == k && h.Number > Poison(k) && h.By == survivor.Name));
    }

    private async Task<CrashHostProcess> StartConsumerAsync(string name)
    {
        var consumer = RabbitMqCrashRuns.StartConsumer(name, Vhost, Queue, HandlerDelayMilliseconds, Keys, PoisonFile);
        await consumer.WaitForReadyAsync();

        // The test's bus sends to the endpoint, which the first consumer declared.
        _operator ??= await OperatorBus.StartAsync(Vhost, Queue, Keys);
        return consumer;
    }

    // Every key is sent the first rounds; each parked key's poison parks it, the rest of its rounds wait.
    private async Task ParkAsync(int rounds, CrashHostProcess consumer)
    {
        await _rounds.SendAsync(Operator, [.. Enumerable.Range(0, Keys)], rounds);
        await WaitForParkedAsync(waiting: rounds - PoisonRound, consumer);
        Assert.All(_rounds.Parked, k => Assert.Contains(consumer.Output.Numbers("poisoned"), n => n == Poison(k)));
    }

    // Until every healthy message sent so far and each parked key's messages before its poison were handled, and the
    // listing shows every parked key with its dead letter and its waiting messages. A parked key's message handled
    // meanwhile fails the test at once, rather than when the wait times out.
    private async Task WaitForParkedAsync(int waiting, params CrashHostProcess[] consumers)
    {
        IReadOnlyList<ParkedKey> listed = [];
        await Eventually.UntilAsync(
            async () =>
            {
                AssertNoParkedKeyWasHandled(consumers);
                var handled = Handling.Merged(consumers).Select(h => h.Number).ToHashSet();
                if (!_rounds.AllSent.Where(n => !IsParkedMessage(n)).All(handled.Contains))
                {
                    return false;
                }

                listed = await Operator.ParkedKeysAsync();
                return listed.Count == _rounds.Parked.Count && listed.All(p => p.Waiting == waiting);
            },
            $"the healthy messages to be handled and the {_rounds.Parked.Count} parked keys listed with {waiting} message(s) waiting each",
            () => "listed: " + string.Join(", ", listed) + Environment.NewLine + string.Join(Environment.NewLine, consumers.Select(c => c.Describe())));

        Assert.Equal(_rounds.Parked.Select(KeyedRounds.Key).Order(), listed.Select(p => p.Key).Order());
        var letters = await Operator.DeadLetters.ListAsync(Queue);
        Assert.Equal(
            letters.Select(l => (l.OrderingKey, l.Id)).Order(),
            listed.Select(p => ((string?)p.Key, p.DeadLetterId)).Order());
    }

    // Cured (the poison file is gone), the dead letters are re-driven: each parked key runs them all and is released.
    private async Task RedriveAsync(params CrashHostProcess[] consumers)
    {
        AssertNoParkedKeyWasHandled(consumers);
        File.Delete(PoisonFile);
        Assert.Equal(_rounds.Parked.Count, await Operator.DeadLetters.RedriveAllAsync(Queue));
        await UntilAllHandledAndReleasedAsync(consumers);
    }

    private async Task UntilAllHandledAndReleasedAsync(params CrashHostProcess[] consumers)
    {
        IReadOnlyList<ParkedKey> listed = [];
        await Eventually.UntilAsync(
            async () =>
                EachKeyHandledFromItsStart(consumers)
                && _rounds.AllSent.ToHashSet().IsSubsetOf(Handling.Merged(consumers).Select(h => h.Number))
                && (listed = await Operator.ParkedKeysAsync()).Count == 0
                && await Operator.DeadLetters.CountAsync(Queue) == 0,
            "every message handled, no key parked and no dead letter left",
            () => RabbitMqCrashRuns.Missing(_rounds.AllSent, Handling.Merged(consumers).Select(h => h.Number)) + Environment.NewLine
                + "still listed: " + string.Join(", ", listed) + Environment.NewLine
                + string.Join(Environment.NewLine, consumers.Select(c => c.Describe())));
    }

    // A key's messages run one at a time in send order, so what ran of a key is always the start of what it was sent:
    // a later message run while an earlier one waits fails the test at once, rather than when the wait times out.
    private bool EachKeyHandledFromItsStart(IEnumerable<CrashHostProcess> consumers)
    {
        var handled = consumers.SelectMany(Handling.Of).Select(h => h.Number).ToHashSet();
        foreach (var key in Enumerable.Range(0, Keys))
        {
            var sent = _rounds.SentOf(key);
            var ran = sent.Count(handled.Contains);
            Assert.True(sent.Take(ran).All(handled.Contains), $"Key {key} ran {string.Join(", ", sent.Where(handled.Contains))} of {string.Join(", ", sent)}: a later message before an earlier one.");
        }

        return true;
    }

    private void AssertNoParkedKeyWasHandled(IEnumerable<CrashHostProcess> consumers)
    {
        var handled = consumers.SelectMany(Handling.Of).Where(h => IsParkedMessage(h.Number)).ToList();
        Assert.True(handled.Count == 0, "Parked keys' messages were handled: " + string.Join(", ", handled.Select(h => $"{h.Number} (key {_rounds.KeyOf(h.Number)}) by {h.By}")));
    }

    private void Describe(IReadOnlyList<Handling> handled, params CrashHostProcess[] consumers)
    {
        output.WriteLine($"Parked keys: {string.Join(", ", _rounds.Parked)}; {_rounds.AllSent.Count()} messages sent in {_rounds.Sent} rounds.");
        foreach (var consumer in consumers)
        {
            var of = Handling.Of(consumer);
            output.WriteLine($"{consumer.Name} handled {of.Count}, {of.Count(h => h.Delivery > 1)} of them redelivered.");
        }

        output.WriteLine($"{handled.Count} handlings in all, {handled.Count - _rounds.AllSent.Count()} repeated.");
    }

    // A parked key's message from its poison on: none may run before the re-drive.
    private bool IsParkedMessage(int number) =>
        _rounds.Parked.Contains(_rounds.KeyOf(number)) && number >= Poison(_rounds.KeyOf(number));

    // How many of key's parked messages (after its dead letter) the consumer handled.
    private int DrainedBy(CrashHostProcess consumer, int key) =>
        Handling.Of(consumer).Where(h => _rounds.KeyOf(h.Number) == key && h.Number > Poison(key)).Select(h => h.Number).Distinct().Count();

    private int Poison(int key) => _rounds.Number(PoisonRound, key);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
