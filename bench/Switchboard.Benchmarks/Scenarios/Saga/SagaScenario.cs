using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.Benchmarks.Measurement;
using Switchboard.Configuration;
using Switchboard.Persistence;
using Switchboard.Pipeline;

namespace Switchboard.Benchmarks.Scenarios.Saga;

/// <summary>
/// <c>saga</c>: N orders through an orchestrated saga correlated by order id, seven messages per order.
/// <see cref="OrderSubmitted"/> (published) → the saga sends <see cref="CapturePayment"/> → payment publishes
/// <see cref="PaymentCaptured"/> → the saga sends <see cref="ReserveStock"/> → inventory publishes
/// <see cref="StockReserved"/> (or <see cref="StockReservationFailed"/> for every order whose number % 50 == 49) →
/// the saga sends <see cref="ShipOrder"/> → shipping publishes <see cref="OrderShipped"/> → Completed; on failure the
/// saga sends <see cref="RefundPayment"/> → payment publishes <see cref="PaymentRefunded"/> → Cancelled.
/// Saga state lives in the transport's own store. An item is handled when its order's terminal state has committed.
/// </summary>
public sealed class SagaScenario : IScenario
{
    /// <summary>The scenario's command-line name.</summary>
    public const string ScenarioName = "saga";

    /// <summary>The saga's name in the store.</summary>
    public const string SagaName = "bench-order";

    /// <summary>The saga's endpoint.</summary>
    public const string OrdersQueue = "bench-saga-orders";

    /// <summary>The payment service's endpoint (captures and refunds).</summary>
    public const string PaymentsQueue = "bench-saga-payments";

    /// <summary>The inventory service's endpoint.</summary>
    public const string InventoryQueue = "bench-saga-inventory";

    /// <summary>The shipping service's endpoint.</summary>
    public const string ShippingQueue = "bench-saga-shipping";

    /// <summary>Every endpoint of the scenario.</summary>
    public static readonly IReadOnlyList<string> Queues = [OrdersQueue, PaymentsQueue, InventoryQueue, ShippingQueue];

    // Problems listed one by one on stderr before the rest are only counted.
    private const int ListedProblems = 10;

    /// <inheritdoc />
    public string Name => ScenarioName;

    /// <inheritdoc />
    public int DefaultItems => 10_000;

    /// <inheritdoc />
    public int Slots => 1;

    /// <inheritdoc />
    public bool UsesStore => true;

    /// <summary>The saga's correlation key of an order.</summary>
    public static string KeyOf(Guid orderId) => orderId.ToString("N");

    /// <inheritdoc />
    public void Configure(SwitchboardBuilder bus, BenchmarkSettings settings)
    {
        bus.Services.TryAddSingleton<RefundLedger>();
        bus.Services.TryAddScoped<SagaTransition>();
        bus.Message<OrderSubmitted>("bench.order-submitted.v1")
            .Message<CapturePayment>("bench.capture-payment.v1")
            .Message<PaymentCaptured>("bench.payment-captured.v1")
            .Message<ReserveStock>("bench.reserve-stock.v1")
            .Message<StockReserved>("bench.stock-reserved.v1")
            .Message<StockReservationFailed>("bench.stock-reservation-failed.v1")
            .Message<ShipOrder>("bench.ship-order.v1")
            .Message<OrderShipped>("bench.order-shipped.v1")
            .Message<RefundPayment>("bench.refund-payment.v1")
            .Message<PaymentRefunded>("bench.payment-refunded.v1")
            .Route<CapturePayment>(PaymentsQueue)
            .Route<RefundPayment>(PaymentsQueue)
            .Route<ReserveStock>(InventoryQueue)
            .Route<ShipOrder>(ShippingQueue)
            .Endpoint(OrdersQueue, e => e
                .Saga<OrderSaga, OrderSagaState>(SagaName, s => s
                    .StartedBy<OrderSubmitted>(static m => KeyOf(m.OrderId))
                    .Handles<PaymentCaptured>(static m => KeyOf(m.OrderId))
                    .Handles<StockReserved>(static m => KeyOf(m.OrderId))
                    .Handles<StockReservationFailed>(static m => KeyOf(m.OrderId))
                    .Handles<OrderShipped>(static m => KeyOf(m.OrderId))
                    .Handles<PaymentRefunded>(static m => KeyOf(m.OrderId)))
                .ConfigurePipeline(p => p.InsertBefore(StepNames.Transaction, SagaCompletionStep.Name, s => new SagaCompletionStep(s.Services.GetRequiredService<CurrentRun>())))
                .WithProtocolLimits(settings))
            .Endpoint(PaymentsQueue, e => e
                .Handle<CapturePayment, PaymentHandler>(subscribe: false)
                .Handle<RefundPayment, PaymentHandler>(subscribe: false)
                .WithProtocolLimits(settings))
            .Endpoint(InventoryQueue, e => e.Handle<ReserveStock, InventoryHandler>(subscribe: false).WithProtocolLimits(settings))
            .Endpoint(ShippingQueue, e => e.Handle<ShipOrder, ShippingHandler>(subscribe: false).WithProtocolLimits(settings));
    }

    /// <inheritdoc />
    public ValueTask StartItemAsync(IBus bus, IItemTracker run, int sequence, CancellationToken cancellationToken) =>
        bus.PublishAsync(new OrderSubmitted(run.IdOf(sequence), sequence), cancellationToken: cancellationToken);

    /// <summary>
    /// The store agrees: every order of the run has a completed saga instance in the terminal state it should have,
    /// saved four times (once per saga message: none was applied twice); the payment endpoint refunded exactly the
    /// N/50 orders whose number % 50 == 49, each once; and no outbox message is left behind.
    /// </summary>
    public async ValueTask<IReadOnlyList<string>> VerifyAsync(IServiceProvider services, RunTracker run, CancellationToken cancellationToken)
    {
        var problems = new List<string>();
        var wrong = 0;
        void Wrong(string problem)
        {
            if (++wrong <= ListedProblems)
            {
                problems.Add(problem);
            }
        }

        var store = services.GetRequiredService<IMessageStore>();
        var serializer = services.GetRequiredService<BusConfiguration>().Serializer;
        var counts = new Dictionary<OrderStatus, int>();
        var transaction = await store.BeginAsync(cancellationToken).ConfigureAwait(false);
        await using (transaction.ConfigureAwait(false))
        {
            for (var sequence = 0; sequence < run.Items; sequence++)
            {
                var key = KeyOf(run.IdOf(sequence));
                var record = await transaction.LoadSagaAsync(SagaName, key, cancellationToken).ConfigureAwait(false);
                if (record is null)
                {
                    Wrong($"order {sequence} ({key}) has no saga instance in the store");
                    continue;
                }

                var state = (OrderSagaState)serializer.Deserialize(Encoding.UTF8.GetBytes(record.State), typeof(OrderSagaState));
                var expected = OrderSagaState.ExpectedOutcome(sequence);
                counts[state.Status] = counts.GetValueOrDefault(state.Status) + 1;
                if (!record.Completed || state.Status != expected || state.Amount != sequence || record.Version != 4)
                {
                    Wrong($"order {sequence} ({key}) is stored as {state.Status} (completed: {record.Completed}, amount {state.Amount}, version {record.Version}); expected {expected}, completed, amount {sequence}, version 4");
                }
            }
        }

        if (wrong > ListedProblems)
        {
            problems.Add($"... {wrong - ListedProblems} more orders are wrong in the store");
        }

        var refunds = services.GetRequiredService<RefundLedger>().Of(run.Run);
        var expectedRefunds = run.Items / 50;
        if (refunds.Count != expectedRefunds || refunds.Any(r => r.Count != 1 || r.Sequence % 50 != 49))
        {
            problems.Add($"{refunds.Count} orders refunded ({refunds.Sum(r => r.Count)} refunds, {refunds.Count(r => r.Sequence % 50 != 49)} of orders that should ship); expected exactly {expectedRefunds}, one per order whose number % 50 == 49");
        }

        var outbox = await store.Outbox.GetStatisticsAsync(cancellationToken).ConfigureAwait(false);
        if (outbox.Pending != 0 || outbox.Quarantined != 0)
        {
            problems.Add($"the outbox holds {outbox.Pending} pending and {outbox.Quarantined} quarantined messages");
        }

        Console.Error.WriteLine($"# verification: {store.Name} store, {string.Join(", ", counts.OrderBy(c => c.Key).Select(c => $"{c.Value} {c.Key}"))}; {refunds.Count} refunds; {problems.Count} problems");
        return problems;
    }
}
