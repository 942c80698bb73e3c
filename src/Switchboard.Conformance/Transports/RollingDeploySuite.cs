using Switchboard.Conformance.Harness;
using Switchboard.Configuration;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>
/// A breaking change to a command and an event, deployed while the system runs, in the order docs/contracts.md gives:
/// the consumers of a queue first (version 2 with upcasters from version 1), then its producers. Old and new
/// instances overlap at every step, as in a rolling deploy.
/// </summary>
public abstract class RollingDeploySuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private const string Queue = "invoicing";
    private const int Batch = 20;
    private const string OldConsumer = "consumer-v1";
    private const string NewConsumer = "consumer-v2";

    /// <summary>
    /// Phase 1, an old producer and an old consumer. Phase 2, a new consumer joins the queue while the old producer
    /// goes on sending and publishing version 1, then the old consumer leaves. Phase 3, a new producer sends and
    /// publishes version 2 beside the old one. Every command and every event is handled exactly once, none is
    /// dead-lettered, and each arrives in the shape of the consumer that handled it: version 1 as it was at the old
    /// consumer, version 2 (upcast from version 1, or as sent) at the new one, which still sees the name it was sent
    /// under.
    /// </summary>
    [Fact]
    public async Task Consumers_upgraded_before_producers_handle_every_message_exactly_once_in_their_own_shape()
    {
        var oldConsumer = await StartBusAsync(b => b.AddVersion1().Endpoint(Queue, Version1), OldConsumer);
        var oldProducer = await StartBusAsync(b => b.AddVersion1().Route<IssueInvoiceV1>(Queue), "producer-v1");
        await ProduceVersion1Async(oldProducer, 0);
        await WaitForBatchesAsync(1);

        var newConsumer = await StartBusAsync(b => b.AddVersion2().Endpoint(Queue, Version2), NewConsumer);
        await ProduceVersion1Async(oldProducer, 1);
        await WaitForBatchesAsync(2);
        await oldConsumer.StopAsync();
        await ProduceVersion1Async(oldProducer, 2);
        await WaitForBatchesAsync(3);

        var newProducer = await StartBusAsync(b => b.AddVersion2().Route<IssueInvoiceV2>(Queue), "producer-v2");
        await Task.WhenAll(ProduceVersion2Async(newProducer, 3), ProduceVersion1Async(oldProducer, 4));
        await WaitForBatchesAsync(5);

        // Stopping drains and settles: a duplicate still on its way would be counted now.
        await newConsumer.StopAsync();
        var all = Recorder.All;
        Assert.Equal(5 * Batch * 2, all.Count);
        foreach (var handled in all)
        {
            AssertShape(handled, sentAsVersion2: Number(handled.Message) / Batch == 3);
        }

        Assert.Equal(Enumerable.Range(0, 5 * Batch), all.Where(h => h.Message is IssueInvoiceV1 or IssueInvoiceV2).Select(h => Number(h.Message)).Order());
        Assert.Equal(Enumerable.Range(0, 5 * Batch), all.Where(h => h.Message is InvoiceIssuedV1 or InvoiceIssuedV2).Select(h => Number(h.Message)).Order());
        Assert.Contains(all, h => h.Consumer == NewConsumer && h.Envelope.MessageType == VersionedMessages.EventV1);
        Assert.Contains(all, h => h.Consumer == NewConsumer && h.Envelope.MessageType == VersionedMessages.CommandV1);
        Assert.Equal(0, await newProducer.DeadLetters.CountAsync(Queue));
    }

    /// <summary>
    /// An endpoint that first appears with version 2 (no instance of it ever ran version 1) subscribes to the old name
    /// too: an event an old producer publishes reaches it, the transport's route check accepts it, and it is upcast.
    /// </summary>
    [Fact]
    public async Task A_new_endpoint_on_version_2_receives_the_events_old_producers_publish()
    {
        await StartBusAsync(b => b.AddVersion2().Endpoint("reporting", e => e.Handle<InvoiceIssuedV2, VersionedHandler>()), NewConsumer);
        var oldProducer = await StartBusAsync(b => b.AddVersion1(), "producer-v1");

        await oldProducer.Bus.PublishAsync(new InvoiceIssuedV1(4, Amount(4)));

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(("reporting", new InvoiceIssuedV2(4, 425, VersionedMessages.Currency)), (handled.Endpoint, handled.Message));
        Assert.Equal(VersionedMessages.EventV1, handled.Envelope.MessageType);
    }

    /// <summary>
    /// The wrong order: a producer upgraded before the consumer sends version 2, which the old consumer cannot read: it
    /// is dead-lettered as an unknown message type, not lost. Once the consumer is upgraded, redriving the dead letters
    /// has it handled.
    /// </summary>
    [Fact]
    public async Task A_new_command_at_an_old_consumer_is_dead_lettered_and_handled_when_redriven_after_the_upgrade()
    {
        var oldConsumer = await StartBusAsync(b => b.AddVersion1().Endpoint(Queue, Version1), OldConsumer);
        var newProducer = await StartBusAsync(b => b.AddVersion2().Route<IssueInvoiceV2>(Queue), "producer-v2");

        await newProducer.Bus.SendAsync(new IssueInvoiceV2(1, 125, VersionedMessages.Currency));

        var letter = Assert.Single(await WaitForDeadLettersAsync(newProducer.DeadLetters, Queue, 1));
        Assert.Equal(VersionedMessages.CommandV2, letter.Envelope.MessageType);
        Assert.Contains($"unknown message type '{VersionedMessages.CommandV2}'", letter.Reason, StringComparison.Ordinal);
        Assert.Empty(Recorder.All);

        await oldConsumer.StopAsync();
        await StartBusAsync(b => b.AddVersion2().Endpoint(Queue, Version2), NewConsumer);
        Assert.Equal(1, await newProducer.DeadLetters.RedriveAllAsync(Queue));

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal((NewConsumer, new IssueInvoiceV2(1, 125, VersionedMessages.Currency)), (handled.Consumer, handled.Message));
        await WaitForAsync(async () => await newProducer.DeadLetters.CountAsync(Queue) == 0, "the dead letter to be redriven");
    }

    private static void Version1(EndpointBuilder endpoint) =>
        endpoint.Handle<IssueInvoiceV1, VersionedHandler>().Handle<InvoiceIssuedV1, VersionedHandler>();

    private static void Version2(EndpointBuilder endpoint) =>
        endpoint.Handle<IssueInvoiceV2, VersionedHandler>().Handle<InvoiceIssuedV2, VersionedHandler>();

    // Amounts with cents, so that an upcaster that drops them shows.
    private static decimal Amount(int number) => number + 0.25m;

    private static Task ProduceVersion1Async(RunningBus producer, int batch) =>
        ProduceAsync(batch, async n =>
        {
            await producer.Bus.SendAsync(new IssueInvoiceV1(n, Amount(n)));
            await producer.Bus.PublishAsync(new InvoiceIssuedV1(n, Amount(n)));
        });

    private static Task ProduceVersion2Async(RunningBus producer, int batch) =>
        ProduceAsync(batch, async n =>
        {
            var cents = VersionedMessages.Cents(Amount(n));
            await producer.Bus.SendAsync(new IssueInvoiceV2(n, cents, VersionedMessages.Currency));
            await producer.Bus.PublishAsync(new InvoiceIssuedV2(n, cents, VersionedMessages.Currency));
        });

    private static async Task ProduceAsync(int batch, Func<int, Task> produce)
    {
        for (var n = batch * Batch; n < (batch + 1) * Batch; n++)
        {
            await produce(n);
        }
    }

    // Every command and event of the first batches is handled (each at least once: exactly once is checked at the end).
    private Task WaitForBatchesAsync(int batches) =>
        Recorder.WaitUntilAsync(
            all => all.Select(h => (h.Message is IssueInvoiceV1 or IssueInvoiceV2, Number(h.Message))).Distinct().Count() == batches * Batch * 2,
            Patience,
            $"the commands and events of {batches} batch(es)");

    private static void AssertShape(Handled handled, bool sentAsVersion2)
    {
        var n = Number(handled.Message);
        var cents = VersionedMessages.Cents(Amount(n));
        if (handled.Consumer == OldConsumer)
        {
            Assert.False(sentAsVersion2);
            Assert.True(handled.Message.Equals(new IssueInvoiceV1(n, Amount(n))) || handled.Message.Equals(new InvoiceIssuedV1(n, Amount(n))), $"{handled.Message} at the old consumer");
            return;
        }

        Assert.Equal(NewConsumer, handled.Consumer);
        object expected = handled.Message is IssueInvoiceV2
            ? new IssueInvoiceV2(n, cents, VersionedMessages.Currency)
            : new InvoiceIssuedV2(n, cents, VersionedMessages.Currency);
        Assert.Equal(expected, handled.Message);
        var sentAs = (handled.Message is IssueInvoiceV2, sentAsVersion2) switch
        {
            (true, false) => VersionedMessages.CommandV1,
            (true, true) => VersionedMessages.CommandV2,
            (false, false) => VersionedMessages.EventV1,
            (false, true) => VersionedMessages.EventV2,
        };
        Assert.Equal(sentAs, handled.Envelope.MessageType);
    }

    private static int Number(object message) => message switch
    {
        IssueInvoiceV1 m => m.Number,
        IssueInvoiceV2 m => m.Number,
        InvoiceIssuedV1 m => m.Number,
        InvoiceIssuedV2 m => m.Number,
        _ => throw new InvalidOperationException($"Not a versioned message: {message}"),
    };
}
