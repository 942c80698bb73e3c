using Switchboard.Configuration;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Pipeline;
using Switchboard.Sagas;
using Switchboard.Conformance.Harness;
using Xunit;

namespace Switchboard.Conformance.Stores;

/// <summary>
/// Units of work through a bus, and what goes wrong around them: a handler that fails after sending, a crash
/// between commit and dispatch, duplicates (one after the other and at once), sagas under concurrency, timeouts,
/// compensation, missing instances. Every store passes it; handlers' own SQL in the unit of work is
/// <see cref="UnitOfWorkSqlSuite{TFactory}"/>'s, for stores with a database.
/// </summary>
public abstract class UnitOfWorkSuite<TFactory> : StoreSuite<TFactory>
    where TFactory : IStoreFactory, new()
{
    private const string Orders = "uow-orders";
    private const string FollowUps = "uow-follow-ups";
    private const string TimerQueue = "uow-timers";
    private const string TimerSagaName = "test.store.timer";
    private const string OrderSagaName = "test.store.order";
    private const string TicketQueue = "uow-tickets";
    private const string TicketSagaName = "test.store.ticket";

    /// <summary>
    /// A handler that sends, then throws (no retries): the message is dead-lettered, and what it sent is never
    /// delivered, not even by the relay later; the inbox does not record it and the outbox holds nothing.
    /// </summary>
    [Fact]
    public async Task A_message_sent_by_a_handler_that_then_fails_is_never_delivered()
    {
        var attempts = 0;
        Behavior.Before = async (message, context, ct) =>
        {
            if (message is TestCommand command)
            {
                await context.SendAsync(new FollowUp(command.Number), SendOptions.To(FollowUps), ct);
                Interlocked.Increment(ref attempts);
                throw new InvalidOperationException("failed after sending");
            }
        };
        var bus = await StartBusAsync(b => b
            .Endpoint(Orders, Recording(RetryPolicy.None, transactional: true))
            .Endpoint(FollowUps, Recording()));
        var id = NewId();

        await bus.Bus.SendAsync(new TestCommand(1), new SendOptions { Destination = Orders, MessageId = id });

        var letter = Assert.Single(await WaitForDeadLettersAsync(bus.DeadLetters, Orders, 1));
        Assert.Equal(id, letter.Envelope.MessageId);
        Assert.Equal(typeof(InvalidOperationException).FullName, letter.ExceptionType);

        // Longer than the relay's grace and interval: a message left in the outbox would go out meanwhile.
        await Task.Delay(Settle);
        Assert.Empty(Recorder.All);
        Assert.Equal(1, Volatile.Read(ref attempts));
        var store = await OpenStoreAsync();
        Assert.False(await store.WasHandledAsync(Orders, id));
        var statistics = await store.Outbox.GetStatisticsAsync();
        Assert.Equal(0, statistics.Pending);
        Assert.Equal(0, statistics.Quarantined);
    }

    /// <summary>A message that fails twice after sending, then succeeds: only the committed attempt's send is delivered.</summary>
    [Fact]
    public async Task Only_the_committed_attempt_delivers_what_it_sent()
    {
        var attempts = 0;
        Behavior.Before = async (message, context, ct) =>
        {
            if (message is TestCommand command)
            {
                var attempt = Interlocked.Increment(ref attempts);
                await context.SendAsync(new FollowUp(attempt), SendOptions.To(FollowUps), ct);
                if (attempt <= 2)
                {
                    throw new InvalidOperationException($"attempt {attempt} failed after sending");
                }
            }
        };
        var bus = await StartBusAsync(b => b
            .Endpoint(Orders, Recording(FastRetries, transactional: true))
            .Endpoint(FollowUps, Recording()));

        await bus.Bus.SendAsync(Orders, new TestCommand(2));

        await Recorder.WaitUntilAsync(all => all.Any(h => h.Message is FollowUp), Patience, "the follow-up");
        await Task.Delay(Settle);
        var followUp = Assert.Single(Recorder.All, h => h.Message is FollowUp);
        Assert.Equal(new FollowUp(3), followUp.Message);
        Assert.Equal(3, Volatile.Read(ref attempts));
        Assert.Equal(0, await bus.DeadLetters.CountAsync(Orders));
    }

    /// <summary>
    /// The process crashed right after committing a unit of work, before dispatching what it sent: the relay of
    /// the next bus on the store delivers it, and the outbox empties.
    /// </summary>
    [Fact]
    public async Task A_message_committed_but_never_dispatched_is_delivered_by_the_relay_of_the_next_bus()
    {
        const string queue = "uow-recovered";
        await DeclareQueuesAsync(queue);
        var store = await OpenStoreAsync();
        var envelope = RawEnvelopes.Command(42, "left behind");
        await using (var transaction = await store.BeginAsync())
        {
            Assert.True(await transaction.TryRecordHandledAsync("uow-crashed", NewId()));
            if (await transaction.EnlistAsync([new OutgoingMessage(OutgoingKind.Send, queue, envelope, null)]))
            {
                await transaction.CommitAsync();
                Assert.Equal(1, (await store.Outbox.GetStatisticsAsync()).Pending);
            }
            else
            {
                // The store joined the transport: the message went out with the commit instead.
                await transaction.CommitAsync();
            }
        }

        // ...and here the process died, without dispatching it.
        await StartBusAsync(b => b.Endpoint(queue, Recording()));

        var handled = await Recorder.WaitForCountAsync(1, Patience);
        Assert.All(handled, h => Assert.Equal(envelope.MessageId, h.Envelope.MessageId));
        Assert.Equal(new TestCommand(42, "left behind"), handled[0].Message);
        Assert.Equal(queue, handled[0].Endpoint);
        await WaitForAsync(async () => (await store.Outbox.GetStatisticsAsync()).Pending == 0, "the outbox to be empty");
        Assert.Null((await store.Outbox.GetStatisticsAsync()).OldestPendingAt);
    }

    /// <summary>
    /// The same message (same message id) delivered twice, one after the other: the second copy is acknowledged
    /// without running the handler, and the handler's effect (its send) happens once.
    /// </summary>
    [Fact]
    public async Task A_message_delivered_twice_one_after_the_other_takes_effect_once()
    {
        EachCommandSendsAFollowUp();
        var bus = await StartBusAsync(b => b
            .Endpoint(Orders, Recording(transactional: true))
            .Endpoint(FollowUps, Recording()));
        var id = NewId();
        var options = new SendOptions { Destination = Orders, MessageId = id };

        await bus.Bus.SendAsync(new TestCommand(3), options);
        await Recorder.WaitUntilAsync(all => all.Any(h => h.Message is FollowUp), Patience, "the follow-up");
        await WaitForAsync(() => Settlements.Count(Orders, id) == 1, "the first copy to be acknowledged");
        await bus.Bus.SendAsync(new TestCommand(3), options);
        await WaitForAsync(() => Settlements.Count(Orders, id) == 2, "the second copy to be acknowledged");

        await Task.Delay(Settle);
        Assert.Single(Recorder.All, h => h.Message is FollowUp);
        Assert.Single(Recorder.All, h => h.Message is TestCommand);
        Assert.Equal(0, await bus.DeadLetters.CountAsync(Orders));
        var store = await OpenStoreAsync();
        Assert.True(await store.WasHandledAsync(Orders, id));
    }

    /// <summary>
    /// An endpoint whose unit of work has no inbox (<see cref="TransactionalOptions.Inbox"/> off: its handlers are
    /// idempotent on their own) runs a message delivered twice twice: each unit of work commits what it sent, and the
    /// inbox records nothing.
    /// </summary>
    [Fact]
    public async Task Without_an_inbox_a_message_delivered_twice_runs_twice_and_is_not_recorded()
    {
        EachCommandSendsAFollowUp();
        var bus = await StartBusAsync(b => b
            .Endpoint(Orders, e =>
            {
                Recording(transactional: true)(e);
                e.Transactional(t => t with { Inbox = false });
            })
            .Endpoint(FollowUps, Recording()));
        var id = NewId();
        var options = new SendOptions { Destination = Orders, MessageId = id };

        await bus.Bus.SendAsync(new TestCommand(4), options);
        await WaitForAsync(() => Settlements.Count(Orders, id) == 1, "the first copy to be acknowledged");
        await bus.Bus.SendAsync(new TestCommand(4), options);
        await Recorder.WaitUntilAsync(all => all.Count(h => h.Message is FollowUp) == 2, Patience, "both copies' follow-ups");

        Assert.Equal(2, Recorder.All.Count(h => h.Message is TestCommand));
        Assert.Equal(0, await bus.DeadLetters.CountAsync(Orders));
        var store = await OpenStoreAsync();
        Assert.False(await store.WasHandledAsync(Orders, id));
    }

    /// <summary>
    /// The same message (same message id) handled by two buses at once (their handlers overlap): one unit of work
    /// commits, the other is acknowledged as a duplicate, and the effect (the send) happens once.
    /// </summary>
    [Fact]
    public async Task A_message_delivered_twice_at_once_to_two_buses_takes_effect_once()
    {
        var gate = new Rendezvous(2);
        Behavior.Before = async (message, context, ct) =>
        {
            if (message is TestCommand command)
            {
                await context.SendAsync(new FollowUp(command.Number), SendOptions.To(FollowUps), ct);
                await gate.ArriveAsync(TimeSpan.FromSeconds(2), ct);
            }
        };
        var first = await StartBusAsync(b => b.Endpoint(Orders, Recording(concurrency: 2, transactional: true)).Endpoint(FollowUps, Recording()), "bus-a");
        await StartBusAsync(b => b.Endpoint(Orders, Recording(concurrency: 2, transactional: true)).Endpoint(FollowUps, Recording()), "bus-b");
        var id = NewId();
        var options = new SendOptions { Destination = Orders, MessageId = id };

        await Task.WhenAll(first.Bus.SendAsync(new TestCommand(4), options).AsTask(), first.Bus.SendAsync(new TestCommand(4), options).AsTask());

        await WaitForAsync(() => Settlements.Count(Orders, id) == 2, "both copies to be acknowledged");
        await Task.Delay(Settle);
        var followUp = Assert.Single(Recorder.All, h => h.Message is FollowUp);
        Assert.Equal(new FollowUp(4), followUp.Message);
        Assert.Equal(0, await first.DeadLetters.CountAsync(Orders));
        var store = await OpenStoreAsync();
        Assert.True(await store.WasHandledAsync(Orders, id));
        Assert.Equal(0, (await store.Outbox.GetStatisticsAsync()).Pending);
    }

    /// <summary>100 messages for one saga instance, 16 at a time: every update survives (count 100, version 100, each tick once).</summary>
    [Fact]
    public async Task Hundred_concurrent_messages_for_one_saga_lose_no_update()
    {
        const string queue = "uow-counter";
        const string saga = "test.store.counter";
        var bus = await StartBusAsync(b => b.Endpoint(queue, e => e
            .Concurrency(16)
            .Saga<CounterSaga, CounterState>(saga, s => s.StartedBy<CountTick>(m => m.Key))));

        await Task.WhenAll(Enumerable.Range(1, 100).Select(i => bus.Bus.SendAsync(new CountTick("k1", i), SendOptions.To(queue)).AsTask()));

        var store = await OpenStoreAsync();
        await WaitForAsync(() => Settlements.All.Count(s => s.Endpoint == queue && s.Settlement == Settlement.Complete) >= 100, "100 ticks to be acknowledged");
        var record = await WaitForSagaAsync(store, saga, "k1", r => r.Version >= 100, "at version 100");
        Assert.Equal(100, record.Version);
        Assert.False(record.Completed);
        var state = ReadState<CounterState>(record);
        Assert.Equal(100, state.Count);
        Assert.Equal(Enumerable.Range(1, 100), state.Seen.Order());
        Assert.Equal(0, await bus.DeadLetters.CountAsync(queue));
    }

    /// <summary>
    /// Two start messages for the same key at once (their handlers overlap): one instance, which both advanced
    /// (version 2, both seen); the loser of the insert race ran again with fresh state.
    /// </summary>
    [Fact]
    public async Task Two_start_messages_for_the_same_key_at_once_make_one_instance()
    {
        const string queue = "uow-starts";
        const string saga = "test.store.starts";
        Probe.Gate = new Rendezvous(2);
        var bus = await StartBusAsync(b => b.Endpoint(queue, e => e
            .Concurrency(4)
            .Saga<CounterSaga, CounterState>(saga, s => s.StartedBy<CountTick>(m => m.Key))));

        await Task.WhenAll(
            bus.Bus.SendAsync(new CountTick("same", 1), SendOptions.To(queue)).AsTask(),
            bus.Bus.SendAsync(new CountTick("same", 2), SendOptions.To(queue)).AsTask());

        var store = await OpenStoreAsync();
        await WaitForAsync(() => Settlements.All.Count(s => s.Endpoint == queue && s.Settlement == Settlement.Complete) >= 2, "both starts to be acknowledged");
        var record = await WaitForSagaAsync(store, saga, "same", r => r.Version >= 2, "at version 2");
        Assert.Equal(2, record.Version);
        var state = ReadState<CounterState>(record);
        Assert.Equal(2, state.Count);
        Assert.Equal([1, 2], state.Seen.Order());
        Assert.Equal(0, await bus.DeadLetters.CountAsync(queue));
    }

    /// <summary>A timeout the saga requests comes back to it and is handled once, with the instance's state.</summary>
    [Fact]
    public async Task A_saga_timeout_comes_back_to_the_saga()
    {
        var bus = await StartTimerBusAsync();

        await bus.Bus.SendAsync(new StartTimer("t1", 200, CompleteNow: false), SendOptions.To(TimerQueue));

        var store = await OpenStoreAsync();
        await WaitForSagaAsync(store, TimerSagaName, "t1", r => ReadState<TimerState>(r).Elapsed >= 1, "past its timeout");
        await WaitForAsync(() => Settlements.CountOfType(TimerQueue, StoreTestMessageNames.TimerElapsed) >= 1, "the timeout to be acknowledged");
        await Task.Delay(Settle);
        var record = await LoadSagaAsync(store, TimerSagaName, "t1");
        Assert.NotNull(record);
        Assert.Equal(2, record.Version);
        Assert.False(record.Completed);
        var state = ReadState<TimerState>(record);
        Assert.True(state.Started);
        Assert.Equal(1, state.Elapsed);
        Assert.Equal(new TimerElapsed("t1"), Assert.Single(Probe.Received));
    }

    /// <summary>
    /// A timeout requested by the unit of work that completes the saga arrives after completion: it is
    /// acknowledged and ignored, the instance stays completed at the same version, and its handler never runs.
    /// </summary>
    [Fact]
    public async Task A_timeout_arriving_after_completion_is_ignored()
    {
        var bus = await StartTimerBusAsync();

        await bus.Bus.SendAsync(new StartTimer("t2", 200, CompleteNow: true), SendOptions.To(TimerQueue));

        var store = await OpenStoreAsync();
        await WaitForSagaAsync(store, TimerSagaName, "t2", r => r.Completed, "completed");
        await WaitForAsync(() => Settlements.CountOfType(TimerQueue, StoreTestMessageNames.TimerElapsed) >= 1, "the late timeout to arrive and be acknowledged");
        await Task.Delay(Settle);
        var record = await LoadSagaAsync(store, TimerSagaName, "t2");
        Assert.NotNull(record);
        Assert.True(record.Completed);
        Assert.Equal(1, record.Version);
        Assert.Equal(0, ReadState<TimerState>(record).Elapsed);
        Assert.Empty(Probe.Received);
        Assert.Equal(1, Probe.SagaInvocations);
        Assert.Equal(0, await bus.DeadLetters.CountAsync(TimerQueue));
    }

    /// <summary>
    /// Stock reserved, card charged, shipment failed: the saga compensates the two completed steps (release the
    /// stock, refund the card) and not the failed one (no shipment to cancel), then completes.
    /// </summary>
    [Fact]
    public async Task A_failed_shipment_compensates_the_completed_steps_only()
    {
        var bus = await StartOrderBusAsync();
        var store = await OpenStoreAsync();

        await RunOrderAsync(bus, store, new PlaceOrder("o-1", DeclineCard: false, FailShipment: true), "compensated");

        await AssertCommandsAsync(bus, new ReserveStock("o-1"), new ChargeCard("o-1", false), new BookShipment("o-1", true), new RefundCard("o-1"), new ReleaseStock("o-1"));
        var received = Probe.Received.ToList();
        Assert.True(received.IndexOf(new BookShipment("o-1", true)) < received.IndexOf(new RefundCard("o-1")), "The refund came before the shipment failed.");
        Assert.True(received.IndexOf(new BookShipment("o-1", true)) < received.IndexOf(new ReleaseStock("o-1")), "The stock was released before the shipment failed.");
        var state = ReadState<OrderState>((await LoadSagaAsync(store, OrderSagaName, "o-1"))!);
        Assert.True(state.StockReserved);
        Assert.True(state.CardCharged);
        Assert.False(state.ShipmentBooked);
    }

    /// <summary>Stock reserved, card declined: only the stock is released; no refund, no shipment.</summary>
    [Fact]
    public async Task A_declined_card_releases_the_stock_only()
    {
        var bus = await StartOrderBusAsync();
        var store = await OpenStoreAsync();

        await RunOrderAsync(bus, store, new PlaceOrder("o-2", DeclineCard: true, FailShipment: false), "compensated");

        await AssertCommandsAsync(bus, new ReserveStock("o-2"), new ChargeCard("o-2", true), new ReleaseStock("o-2"));
    }

    /// <summary>Every step succeeds: the order ships and nothing is compensated.</summary>
    [Fact]
    public async Task An_order_whose_steps_all_succeed_compensates_nothing()
    {
        var bus = await StartOrderBusAsync();
        var store = await OpenStoreAsync();

        await RunOrderAsync(bus, store, new PlaceOrder("o-3", DeclineCard: false, FailShipment: false), "shipped");

        await AssertCommandsAsync(bus, new ReserveStock("o-3"), new ChargeCard("o-3", false), new BookShipment("o-3", false));
    }

    /// <summary>
    /// A message that does not start the saga, for a key with no instance, with the default
    /// <see cref="MissingSagaBehavior.Retry"/>: retried, then dead-lettered with <see cref="SagaNotFoundException"/>;
    /// no instance is created.
    /// </summary>
    [Fact]
    public async Task A_message_for_a_missing_saga_is_retried_then_dead_lettered()
    {
        var bus = await StartTicketBusAsync(MissingSagaBehavior.Retry);
        var id = NewId();

        await bus.Bus.SendAsync(new UpdateTicket("missing"), new SendOptions { Destination = TicketQueue, MessageId = id });

        var letter = Assert.Single(await WaitForDeadLettersAsync(bus.DeadLetters, TicketQueue, 1));
        Assert.Equal(id, letter.Envelope.MessageId);
        Assert.Equal(StoreTestMessageNames.UpdateTicket, letter.Envelope.MessageType);
        Assert.Equal("retries exhausted", letter.Reason);
        Assert.Equal(typeof(SagaNotFoundException).FullName, letter.ExceptionType);
        Assert.Equal(4, letter.Attempts);
        var store = await OpenStoreAsync();
        Assert.Null(await LoadSagaAsync(store, TicketSagaName, "missing"));
        Assert.False(await store.WasHandledAsync(TicketQueue, id));
        Assert.Equal(0, Probe.SagaInvocations);
    }

    /// <summary>
    /// The same with <see cref="MissingSagaBehavior.Ignore"/>: acknowledged, nothing dead-lettered, no instance (not
    /// even a tombstone: a start message later creates it, and updates then reach it).
    /// </summary>
    [Fact]
    public async Task A_message_for_a_missing_saga_is_acknowledged_when_told_to_ignore_it()
    {
        var bus = await StartTicketBusAsync(MissingSagaBehavior.Ignore);
        var id = NewId();

        await bus.Bus.SendAsync(new UpdateTicket("missing"), new SendOptions { Destination = TicketQueue, MessageId = id });

        await WaitForAsync(() => Settlements.Count(TicketQueue, id) == 1, "the update to be acknowledged");
        var store = await OpenStoreAsync();
        Assert.Null(await LoadSagaAsync(store, TicketSagaName, "missing"));
        Assert.Equal(0, await bus.DeadLetters.CountAsync(TicketQueue));
        Assert.Equal(0, Probe.SagaInvocations);

        await bus.Bus.SendAsync(new OpenTicket("missing"), SendOptions.To(TicketQueue));
        await WaitForSagaAsync(store, TicketSagaName, "missing", r => r.Version >= 1, "opened");
        await bus.Bus.SendAsync(new UpdateTicket("missing"), SendOptions.To(TicketQueue));
        var record = await WaitForSagaAsync(store, TicketSagaName, "missing", r => r.Version >= 2, "updated");
        var state = ReadState<TicketState>(record);
        Assert.True(state.Open);
        Assert.Equal(1, state.Updates);
    }

    private static string NewId() => Guid.NewGuid().ToString();

    private Task<RunningBus> StartTimerBusAsync() =>
        StartBusAsync(b => b.Endpoint(TimerQueue, e => e
            .Saga<TimerSaga, TimerState>(TimerSagaName, s => s
                .StartedBy<StartTimer>(m => m.Key)
                .Handles<TimerElapsed>(m => m.Key))));

    private Task<RunningBus> StartTicketBusAsync(MissingSagaBehavior whenMissing) =>
        StartBusAsync(b => b.Endpoint(TicketQueue, e => e
            .Retry(FastRetries)
            .Saga<TicketSaga, TicketState>(TicketSagaName, s => s
                .StartedBy<OpenTicket>(m => m.Key)
                .Handles<UpdateTicket>(m => m.Key)
                .WhenMissing(whenMissing))));

    private Task<RunningBus> StartOrderBusAsync() =>
        StartBusAsync(b => b
            .Endpoint(OrderQueues.Orders, e => e.Saga<OrderSaga, OrderState>(OrderSagaName, s => s
                .StartedBy<PlaceOrder>(m => m.OrderId)
                .Handles<StockReserved>(m => m.OrderId)
                .Handles<CardCharged>(m => m.OrderId)
                .Handles<CardDeclined>(m => m.OrderId)
                .Handles<ShipmentBooked>(m => m.OrderId)
                .Handles<ShipmentFailed>(m => m.OrderId)))
            .Endpoint(OrderQueues.Stock, e => e.Handle<ReserveStock, OrderParticipants>().Handle<ReleaseStock, OrderParticipants>())
            .Endpoint(OrderQueues.Payments, e => e.Handle<ChargeCard, OrderParticipants>().Handle<RefundCard, OrderParticipants>())
            .Endpoint(OrderQueues.Shipping, e => e.Handle<BookShipment, OrderParticipants>().Handle<CancelShipment, OrderParticipants>()));

    /// <summary>Places the order and waits for the saga to complete with <paramref name="status"/>.</summary>
    private static async Task RunOrderAsync(RunningBus bus, IMessageStore store, PlaceOrder order, string status)
    {
        await bus.Bus.SendAsync(order, SendOptions.To(OrderQueues.Orders));
        var record = await WaitForSagaAsync(store, OrderSagaName, order.OrderId, r => r.Completed, "completed");
        Assert.Equal(status, ReadState<OrderState>(record).Status);
    }

    /// <summary>Waits for the participants to receive as many commands as expected, gives stragglers a chance, then compares.</summary>
    private async Task AssertCommandsAsync(RunningBus bus, params object[] expected)
    {
        await WaitForAsync(() => Probe.Received.Count >= expected.Length, $"{expected.Length} commands at the participants");
        await Task.Delay(Settle);
        Assert.Equal(expected.Select(m => m.ToString()).Order(StringComparer.Ordinal), Probe.Received.Select(m => m.ToString()).Order(StringComparer.Ordinal));
        foreach (var queue in new[] { OrderQueues.Orders, OrderQueues.Stock, OrderQueues.Payments, OrderQueues.Shipping })
        {
            Assert.Equal(0, await bus.DeadLetters.CountAsync(queue));
        }
    }

    // The handler's effect the duplicate tests count: a follow-up sent in the unit of work.
    private void EachCommandSendsAFollowUp() =>
        Behavior.Before = async (message, context, ct) =>
        {
            if (message is TestCommand command)
            {
                await context.SendAsync(new FollowUp(command.Number), SendOptions.To(FollowUps), ct);
            }
        };
}
