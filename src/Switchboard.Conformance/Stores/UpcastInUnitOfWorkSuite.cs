using System.Globalization;
using Switchboard.Conformance.Harness;
using Xunit;

namespace Switchboard.Conformance.Stores;

/// <summary>
/// Messages upcast from an old wire name, handled in units of work of the store: the inbox knows a redelivered one by
/// the message id its producer gave it, and a saga is started and advanced by upcast messages.
/// </summary>
public abstract class UpcastInUnitOfWorkSuite<TFactory> : StoreSuite<TFactory>
    where TFactory : IStoreFactory, new()
{
    private const string Invoicing = "upcast-invoicing";
    private const string SagaName = "upcast-invoice";

    /// <summary>
    /// A version 1 command sent twice with one message id to a transactional endpoint that handles version 2: upcast
    /// both times, handled once, and recorded in the inbox under the producer's id.
    /// </summary>
    [Fact]
    public async Task An_upcast_message_delivered_twice_takes_effect_once()
    {
        await StartBusAsync(b => b.AddVersion2().Endpoint(Invoicing, e => e.Handle<IssueInvoiceV2, VersionedHandler>().Transactional()), "consumer-v2");
        var producer = await StartBusAsync(b => b.AddVersion1(), "producer-v1");
        var id = Guid.NewGuid().ToString();
        var options = new SendOptions { Destination = Invoicing, MessageId = id };

        await producer.Bus.SendAsync(new IssueInvoiceV1(1, 2.5m), options);
        await WaitForAsync(() => Settlements.Count(Invoicing, id) == 1, "the first copy to be acknowledged");
        await producer.Bus.SendAsync(new IssueInvoiceV1(1, 2.5m), options);
        await WaitForAsync(() => Settlements.Count(Invoicing, id) == 2, "the second copy to be acknowledged");

        var handled = Assert.Single(Recorder.All);
        Assert.Equal(new IssueInvoiceV2(1, 250, VersionedMessages.Currency), handled.Message);
        Assert.Equal((id, VersionedMessages.CommandV1), (handled.Envelope.MessageId, handled.Envelope.MessageType));
        var store = await OpenStoreAsync();
        Assert.True(await store.WasHandledAsync(Invoicing, id));
        Assert.Equal(0, await producer.DeadLetters.CountAsync(Invoicing));
    }

    /// <summary>
    /// A saga declared on version 2 only is started by a version 1 command and completed by a version 1 event (which
    /// reaches it because its endpoint subscribes to the old name too), each upcast, its state saved as usual.
    /// </summary>
    [Fact]
    public async Task A_saga_is_started_and_completed_by_messages_upcast_from_their_old_names()
    {
        await StartBusAsync(b => b.AddVersion2().Endpoint(Invoicing, e => e.Saga<InvoiceSaga, InvoiceState>(SagaName, s => s
            .StartedBy<IssueInvoiceV2>(m => Key(m.Number))
            .Handles<InvoiceIssuedV2>(m => Key(m.Number)))), "consumer-v2");
        var producer = await StartBusAsync(b => b.AddVersion1().Route<IssueInvoiceV1>(Invoicing), "producer-v1");
        var store = await OpenStoreAsync();

        await producer.Bus.SendAsync(new IssueInvoiceV1(7, 1.25m));
        await WaitForSagaAsync(store, SagaName, Key(7), _ => true, "started");
        await producer.Bus.PublishAsync(new InvoiceIssuedV1(7, 1.25m));

        var record = await WaitForSagaAsync(store, SagaName, Key(7), r => r.Completed, "completed");
        var state = ReadState<InvoiceState>(record);
        Assert.Equal(125, state.Cents);
        Assert.Equal([VersionedMessages.CommandV1, VersionedMessages.EventV1], state.ArrivedAs);
        Assert.Equal(0, await producer.DeadLetters.CountAsync(Invoicing));
    }

    private static string Key(int number) => number.ToString(CultureInfo.InvariantCulture);
}
