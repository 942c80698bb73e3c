using Microsoft.Extensions.DependencyInjection;
using Switchboard.Conformance.Harness;
using Switchboard.Transport;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>
/// Ordered endpoints (<see cref="Configuration.EndpointBuilder.OrderedBy{TMessage}"/>) on a transport that keeps order
/// (<see cref="IOrderedTransport"/>): one message of a key at a time, in send order, across every instance; a dead
/// letter parks its key until it is re-driven or deleted. Each bus of a test stands for one process.
/// </summary>
public abstract class OrderingSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private const string Queue = "ordered";

    /// <summary>
    /// 100,000 commands over 1,000 keys, sent by a bus that only knows the key (<c>OrderingKey</c>), handled by two
    /// instances of the endpoint with four handlers each and room for a thousand messages ahead of them (so that without
    /// order a key's next message would often be handled beside or before the one before it), each handler taking a
    /// random while: no two messages of a key
    /// are handled at once, every key's messages are handled in send order, and each exactly once.
    /// </summary>
    [Fact]
    public async Task Hundred_thousand_messages_over_a_thousand_keys_keep_their_order_across_two_instances()
    {
        const int keys = 1_000;
        const int count = 100_000;
        var ledger = new KeyOrderLedger(keys, count);
        Behavior.Before = async (message, _, ct) =>
        {
            var number = ((TestCommand)message).Number;
            var counts = ledger.Enter(number);
            try
            {
                await RandomWhile(ct);
            }
            finally
            {
                ledger.Leave(number, counts);
            }
        };
        var first = await StartBusAsync(Ordered(keys, concurrency: 4, prefetch: 1_000), "instance-1");
        var second = await StartBusAsync(Ordered(keys, concurrency: 4, prefetch: 1_000), "instance-2");
        var producer = await StartBusAsync(b => b.OrderingKey<TestCommand>(c => c.Number % keys), "producer");

        await SendAsync(producer.Bus, count, keys);

        await ledger.WaitForAllAsync(TimeSpan.FromMinutes(5));
        await first.StopAsync();
        await second.StopAsync();
        Assert.Empty(ledger.Violations);
        Assert.Equal(0, ledger.Duplicates);
        Assert.Equal(count, ledger.Handled);
    }

    /// <summary>
    /// A third instance joins two that are handling keyed messages: it takes a share of the work (on a transport that
    /// assigns keys to instances, some keys move to it), and meanwhile no key is handled out of order, two at a time,
    /// or twice. The producer keeps sending, a batch at a time, until the newcomer has handled some.
    /// </summary>
    [Fact]
    public async Task A_third_instance_joining_mid_run_takes_a_share_without_breaking_any_keys_order()
    {
        const int keys = 200;
        const int batch = 2_000;
        const int most = 200_000;
        var ledger = new KeyOrderLedger(keys, most);
        Behavior.Before = async (message, _, ct) =>
        {
            var number = ((TestCommand)message).Number;
            var counts = ledger.Enter(number);
            try
            {
                await Task.Delay(1, ct).ConfigureAwait(false);
            }
            finally
            {
                ledger.Leave(number, counts);
            }
        };
        await StartBusAsync(Ordered(keys, concurrency: 4, prefetch: 100), "instance-1");
        await StartBusAsync(Ordered(keys, concurrency: 4, prefetch: 100), "instance-2");
        var producer = await StartBusAsync(b => b.OrderingKey<TestCommand>(c => c.Number % keys), "producer");
        await SendAsync(producer.Bus, 0, batch, keys);
        var sent = batch;
        await WaitForAsync(() => ledger.Handled >= batch / 2, "the first instances at work");

        // Instances agree on shares through announcements and hand partitions over only after holding them a while, and a
        // loaded machine slows both: the newcomer gets two minutes, not a number of messages.
        var joiner = await StartBusAsync(Ordered(keys, concurrency: 4, prefetch: 100), "instance-3");
        var joined = System.Diagnostics.Stopwatch.StartNew();
        while (!Recorder.All.Any(h => h.Consumer == joiner.Name))
        {
            Assert.True(sent < most && joined.Elapsed < TimeSpan.FromMinutes(2), $"The joining instance handled nothing of {sent} messages in {joined.Elapsed}; violations: {string.Join("; ", ledger.Violations)}; the buses' warnings: {string.Join(Environment.NewLine, Warnings.Entries)}");
            await SendAsync(producer.Bus, sent, batch, keys);
            sent += batch;
            var behind = sent - batch;
            await WaitForAsync(() => ledger.Handled >= behind, $"{behind} messages handled"); // a backlog of a batch or two at most
        }

        await WaitForAsync(() => ledger.Handled >= sent, $"all {sent} messages handled");
        var all = Recorder.All;
        Assert.Empty(ledger.Violations);
        Assert.Equal(0, ledger.Duplicates);
        Assert.Equal(sent, ledger.Handled);
        Assert.All(new[] { "instance-1", "instance-2", joiner.Name }, name => Assert.Contains(all, h => h.Consumer == name));
    }

    /// <summary>
    /// A message that keeps failing is dead-lettered and parks its key: exactly the key's later messages wait (the
    /// transport lists the key and how many), other keys flow; re-driven, it is handled first and the rest follow in order.
    /// A delayed retry holds the key meanwhile.
    /// </summary>
    [Fact]
    public async Task A_poison_message_parks_exactly_its_keys_later_messages_until_it_is_redriven()
    {
        var poisoned = true;
        Behavior.Before = (message, _, _) => ((TestCommand)message).Number == Poison && Volatile.Read(ref poisoned)
            ? throw new InvalidOperationException("poison")
            : ValueTask.CompletedTask;
        var consumer = await StartBusAsync(Ordered(Keys, concurrency: 4, OneDelayedRetry), "consumer");
        await SendAsync(consumer.Bus, Keys * PerKey);

        var parked = await WaitForParkingAsync(consumer);
        var letter = Assert.Single(await consumer.DeadLetters.ListAsync(Queue));
        Assert.Equal(new ParkedKey(PoisonKey.ToString(System.Globalization.CultureInfo.InvariantCulture), Queue, letter.Id, 3), parked);
        Assert.Equal(parked.Key, letter.OrderingKey);
        Assert.Equal(Poison, Number(letter));

        Volatile.Write(ref poisoned, false);
        Assert.True(await consumer.DeadLetters.RedriveAsync(Queue, letter.Id));

        var all = await Recorder.WaitForCountAsync(Keys * PerKey, Patience);
        Assert.Equal([3, 8, 13, 18, 23, 28], KeyOrder(all, PoisonKey));
        Assert.Empty(await ParkedKeysAsync(consumer));
        Assert.Equal(0, await consumer.DeadLetters.CountAsync(Queue));
    }

    /// <summary>Deleting the dead letter that parks a key skips it: the key's later messages run, in order, without it.</summary>
    [Fact]
    public async Task Deleting_the_dead_letter_skips_it_and_releases_its_key()
    {
        Behavior.Before = (message, _, _) => ((TestCommand)message).Number == Poison
            ? throw new InvalidOperationException("poison")
            : ValueTask.CompletedTask;
        var consumer = await StartBusAsync(Ordered(Keys, concurrency: 4, OneDelayedRetry), "consumer");
        await SendAsync(consumer.Bus, Keys * PerKey);
        var parked = await WaitForParkingAsync(consumer);

        Assert.True(await consumer.DeadLetters.DeleteAsync(Queue, parked.DeadLetterId));

        var all = await Recorder.WaitForCountAsync(Keys * PerKey - 1, Patience);
        Assert.Equal([3, 8, 18, 23, 28], KeyOrder(all, PoisonKey));
        Assert.Empty(await ParkedKeysAsync(consumer));
    }

    /// <summary>
    /// Re-driving all dead letters puts each back at the head of the key it parks, and purging them releases every key:
    /// either way each key's later messages run, in order, after (or without) its dead letter.
    /// </summary>
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Redriving_or_purging_all_dead_letters_releases_every_key_they_park(bool redrive)
    {
        // Key 3's and key 4's third messages: 13 and 14.
        var poisoned = true;
        Behavior.Before = (message, _, _) => ((TestCommand)message).Number is Poison or Poison + 1 && Volatile.Read(ref poisoned)
            ? throw new InvalidOperationException("poison")
            : ValueTask.CompletedTask;
        var consumer = await StartBusAsync(Ordered(Keys, concurrency: 4, OneDelayedRetry), "consumer");
        await SendAsync(consumer.Bus, Keys * PerKey);
        await Recorder.WaitForCountAsync(Keys * PerKey - 8, Patience);
        await WaitForAsync(async () => (await ParkedKeysAsync(consumer)) is [{ Waiting: 3 }, { Waiting: 3 }], "keys 3 and 4 parked with 3 waiting each");

        Volatile.Write(ref poisoned, false);
        Assert.Equal(2, redrive ? await consumer.DeadLetters.RedriveAllAsync(Queue) : await consumer.DeadLetters.PurgeAsync(Queue));

        var all = await Recorder.WaitForCountAsync(redrive ? Keys * PerKey : Keys * PerKey - 2, Patience);
        Assert.Equal(redrive ? [3, 8, 13, 18, 23, 28] : [3, 8, 18, 23, 28], KeyOrder(all, PoisonKey));
        Assert.Equal(redrive ? [4, 9, 14, 19, 24, 29] : [4, 9, 19, 24, 29], KeyOrder(all, PoisonKey + 1));
        Assert.Empty(await ParkedKeysAsync(consumer));
    }

    /// <summary>
    /// An instance that stops while it handles a key (its handler is cancelled, the message goes back unsettled) hands
    /// the key over: the other instance handles that message before the key's later ones, and nothing is lost.
    /// </summary>
    [Fact]
    public async Task An_instance_that_stops_mid_key_hands_the_key_over_in_order()
    {
        var stuck = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Behavior.Before = async (message, context, ct) =>
        {
            if (((TestCommand)message).Number == Poison && context.DeliveryCount == 1)
            {
                stuck.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct);
            }
        };
        var leaving = await StartBusAsync(b => Ordered(Keys, concurrency: 4)(b.Configure(o => o with { ShutdownTimeout = TimeSpan.FromMilliseconds(200) })), "leaving");
        await SendAsync(leaving.Bus, Keys * PerKey);
        await stuck.Task.WaitAsync(Patience);
        var staying = await StartBusAsync(Ordered(Keys, concurrency: 4), "staying");

        await leaving.StopAsync();

        var all = await Recorder.WaitForCountAsync(Keys * PerKey, Patience);
        for (var key = 0; key < Keys; key++)
        {
            Assert.Equal(Enumerable.Range(0, PerKey).Select(i => i * Keys + key), KeyOrder(all, key));
        }

        Assert.Contains(all, h => Number(h) == Poison && h.Consumer == staying.Name);
    }

    /// <summary>Messages without a key, and messages of different keys, are handled side by side on an ordered endpoint.</summary>
    [Fact]
    public async Task Messages_without_a_key_or_of_other_keys_do_not_wait_for_each_other()
    {
        var second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Behavior.Before = async (message, _, ct) =>
        {
            switch (message)
            {
                case FollowUp { Number: 1 }:
                case TestCommand { Number: 1 }:
                    await second.Task.WaitAsync(ct);
                    break;
                case FollowUp { Number: 2 }:
                case TestCommand { Number: 2 }:
                    second.TrySetResult();
                    break;
            }
        };
        var consumer = await StartBusAsync(Ordered(Keys, concurrency: 4), "consumer");

        // FollowUp has no ordering key; commands 1 and 2 have keys 1 and 2.
        await consumer.Bus.SendAsync(Queue, new FollowUp(1));
        await consumer.Bus.SendAsync(Queue, new FollowUp(2));
        await Recorder.WaitForCountAsync(2, Patience);
        second = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await consumer.Bus.SendAsync(Queue, new TestCommand(1));
        await consumer.Bus.SendAsync(Queue, new TestCommand(2));
        await Recorder.WaitForCountAsync(4, Patience);
    }

    /// <summary>A scheduled message joins its key's line when it is due: it does not hold back the key's messages sent after it meanwhile.</summary>
    [Fact]
    public async Task A_scheduled_message_does_not_hold_its_key_until_it_is_due()
    {
        var consumer = await StartBusAsync(Ordered(Keys, concurrency: 4), "consumer");

        await consumer.Bus.SendAsync(new TestCommand(0), new SendOptions { Destination = Queue, Delay = TimeSpan.FromSeconds(1) });
        await consumer.Bus.SendAsync(Queue, new TestCommand(Keys));

        var all = await Recorder.WaitForCountAsync(2, Patience);
        Assert.Equal([Keys, 0], all.Select(Number));
    }

    /// <summary>The key a sender gives in its options wins over the type's, and is what the dead letter reports.</summary>
    [Fact]
    public async Task A_key_given_in_the_send_options_is_the_messages_key()
    {
        Behavior.Before = static (_, _, _) => throw new InvalidOperationException("poison");
        var consumer = await StartBusAsync(Ordered(Keys, concurrency: 1, new RetryPolicy { ImmediateRetries = 0, DelayedRetries = 0 }), "consumer");

        await consumer.Bus.SendAsync(new TestCommand(7), new SendOptions { Destination = Queue, OrderingKey = "customer-42" });

        var letter = Assert.Single(await WaitForDeadLettersAsync(consumer.DeadLetters, Queue, 1));
        Assert.Equal("customer-42", letter.OrderingKey);
        Assert.Equal("customer-42", Assert.Single(await ParkedKeysAsync(consumer)).Key);
    }

    private const int Keys = 5;
    private const int PerKey = 6;
    private const int PoisonKey = 3;

    // Key 3's third message: 3, 8, then 13.
    private const int Poison = 2 * Keys + PoisonKey;

    private static RetryPolicy OneDelayedRetry { get; } = new() { ImmediateRetries = 0, DelayedRetries = 1, BaseDelay = TimeSpan.FromMilliseconds(300), MaxDelay = TimeSpan.FromMilliseconds(300) };

    private static Action<Configuration.SwitchboardBuilder> Ordered(int keys, int concurrency, RetryPolicy? retry = null, int? prefetch = null) => b =>
        b.Endpoint(Queue, e =>
        {
            Recording(retry, concurrency)(e.OrderedBy<TestCommand>(c => c.Number % keys));
            if (prefetch is { } p)
            {
                e.Prefetch(p);
            }
        });

    private async Task<ParkedKey> WaitForParkingAsync(RunningBus consumer)
    {
        // Every other key done, and the poison key's three later messages waiting behind its dead letter.
        await Recorder.WaitForCountAsync(Keys * PerKey - 4, Patience);
        ParkedKey? parked = null;
        await WaitForAsync(async () => (parked = (await ParkedKeysAsync(consumer)).SingleOrDefault()) is { Waiting: 3 }, "the poison key parked with 3 waiting");
        Assert.DoesNotContain(Recorder.All, h => Number(h) % Keys == PoisonKey && Number(h) >= Poison);
        return parked!;
    }

    private static ValueTask<IReadOnlyList<ParkedKey>> ParkedKeysAsync(RunningBus bus) =>
        ((IOrderedTransport)bus.Services.GetRequiredService<ITransport>()).ListParkedKeysAsync(Queue);

    private static int Number(Handled handled) => ((TestCommand)handled.Message).Number;

    private static int Number(DeadLetter letter) =>
        System.Text.Json.JsonDocument.Parse(letter.Envelope.Body).RootElement.GetProperty("number").GetInt32();

    private static int[] KeyOrder(IReadOnlyList<Handled> all, int key) =>
        [.. all.Where(h => h.Message is TestCommand c && c.Number % Keys == key).Select(Number)];

    // Sends 0 to count - 1 in batches in flight together, no larger than the number of keys, so that a batch holds one
    // message per key at most and a key's messages are sent one after another.
    private static Task SendAsync(IBus bus, int count, int keys = Keys) => SendAsync(bus, 0, count, keys);

    // The same, for from to from + count - 1.
    private static async Task SendAsync(IBus bus, int from, int count, int keys)
    {
        var batch = Math.Min(100, keys);
        var end = from + count;
        for (var start = from; start < end; start += batch)
        {
            var sends = new Task[Math.Min(batch, end - start)];
            for (var i = 0; i < sends.Length; i++)
            {
                sends[i] = bus.SendAsync(Queue, new TestCommand(start + i)).AsTask();
            }

            await Task.WhenAll(sends);
        }
    }

    // Most handlers return at once or after a yield; one in ten takes a millisecond or two, and one in a thousand 200 ms:
    // long enough for a thousand other messages, the key's next one among them, to be handled meanwhile if order allowed.
    private static async ValueTask RandomWhile(CancellationToken cancellationToken)
    {
        var draw = Random.Shared.Next(1_000);
        if (draw == 0)
        {
            await Task.Delay(200, cancellationToken);
        }
        else if (draw < 100)
        {
            await Task.Delay(1, cancellationToken);
        }
        else if (draw < 500)
        {
            await Task.Yield();
        }
    }
}
