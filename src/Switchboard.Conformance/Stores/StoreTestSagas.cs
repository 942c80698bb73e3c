using System.Data.Common;
using Switchboard.Persistence;
using Switchboard.Sagas;

namespace Switchboard.Conformance.Stores;

/// <summary>State of <see cref="CounterSaga"/>.</summary>
public sealed class CounterState
{
    /// <summary>Ticks handled.</summary>
    public int Count { get; set; }

    /// <summary>The numbers of the ticks handled, in order.</summary>
    public List<int> Seen { get; set; } = [];
}

/// <summary>Counts <see cref="CountTick"/>s per key: a lost or doubled update shows in the state.</summary>
public sealed class CounterSaga(StoreProbe probe) : ISagaHandler<CounterState, CountTick>
{
    /// <inheritdoc />
    public async ValueTask HandleAsync(CountTick message, ISagaContext<CounterState> saga, CancellationToken cancellationToken)
    {
        probe.SagaInvoked();
        await probe.MeetAsync(cancellationToken).ConfigureAwait(false);
        saga.State.Count++;
        saga.State.Seen.Add(message.Number);
    }
}

/// <summary>State of <see cref="TimerSaga"/>.</summary>
public sealed class TimerState
{
    /// <summary>The start message was handled.</summary>
    public bool Started { get; set; }

    /// <summary>Timeouts handled.</summary>
    public int Elapsed { get; set; }
}

/// <summary>Requests a timeout when started; counts the timeouts that come back.</summary>
public sealed class TimerSaga(StoreProbe probe) : ISagaHandler<TimerState, StartTimer>, ISagaHandler<TimerState, TimerElapsed>
{
    /// <inheritdoc />
    public async ValueTask HandleAsync(StartTimer message, ISagaContext<TimerState> saga, CancellationToken cancellationToken)
    {
        probe.SagaInvoked();
        saga.State.Started = true;
        await saga.RequestTimeoutAsync(new TimerElapsed(saga.Key), TimeSpan.FromMilliseconds(message.DelayMilliseconds), cancellationToken).ConfigureAwait(false);
        if (message.CompleteNow)
        {
            saga.Complete();
        }
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(TimerElapsed message, ISagaContext<TimerState> saga, CancellationToken cancellationToken)
    {
        probe.SagaInvoked();
        probe.Record(message);
        saga.State.Elapsed++;
        return ValueTask.CompletedTask;
    }
}

/// <summary>State of <see cref="TicketSaga"/>.</summary>
public sealed class TicketState
{
    /// <summary>The ticket was opened.</summary>
    public bool Open { get; set; }

    /// <summary>Updates handled.</summary>
    public int Updates { get; set; }
}

/// <summary>Started by <see cref="OpenTicket"/>; <see cref="UpdateTicket"/> needs an instance.</summary>
public sealed class TicketSaga(StoreProbe probe) : ISagaHandler<TicketState, OpenTicket>, ISagaHandler<TicketState, UpdateTicket>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(OpenTicket message, ISagaContext<TicketState> saga, CancellationToken cancellationToken)
    {
        probe.SagaInvoked();
        saga.State.Open = true;
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(UpdateTicket message, ISagaContext<TicketState> saga, CancellationToken cancellationToken)
    {
        probe.SagaInvoked();
        saga.State.Updates++;
        return ValueTask.CompletedTask;
    }
}

/// <summary>The queues of the order saga and its participants.</summary>
public static class OrderQueues
{
    /// <summary>The saga's endpoint.</summary>
    public const string Orders = "store-orders";

    /// <summary>The stock participant.</summary>
    public const string Stock = "store-stock";

    /// <summary>The payment participant.</summary>
    public const string Payments = "store-payments";

    /// <summary>The shipping participant.</summary>
    public const string Shipping = "store-shipping";
}

/// <summary>State of <see cref="OrderSaga"/>.</summary>
public sealed class OrderState
{
    /// <summary>The payment step is to fail.</summary>
    public bool DeclineCard { get; set; }

    /// <summary>The shipping step is to fail.</summary>
    public bool FailShipment { get; set; }

    /// <summary>Step 1 is done.</summary>
    public bool StockReserved { get; set; }

    /// <summary>Step 2 is done.</summary>
    public bool CardCharged { get; set; }

    /// <summary>Step 3 is done.</summary>
    public bool ShipmentBooked { get; set; }

    /// <summary><c>placed</c>, <c>shipped</c> or <c>compensated</c>.</summary>
    public string Status { get; set; } = "";
}

/// <summary>
/// Reserve stock, charge the card, book the shipment; when a step fails, compensates the steps that completed
/// (and only those), newest first, then completes.
/// </summary>
public sealed class OrderSaga(StoreProbe probe) :
    ISagaHandler<OrderState, PlaceOrder>,
    ISagaHandler<OrderState, StockReserved>,
    ISagaHandler<OrderState, CardCharged>,
    ISagaHandler<OrderState, CardDeclined>,
    ISagaHandler<OrderState, ShipmentBooked>,
    ISagaHandler<OrderState, ShipmentFailed>
{
    /// <inheritdoc />
    public async ValueTask HandleAsync(PlaceOrder message, ISagaContext<OrderState> saga, CancellationToken cancellationToken)
    {
        probe.SagaInvoked();
        saga.State.DeclineCard = message.DeclineCard;
        saga.State.FailShipment = message.FailShipment;
        saga.State.Status = "placed";
        await saga.SendAsync(new ReserveStock(saga.Key), SendOptions.To(OrderQueues.Stock), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask HandleAsync(StockReserved message, ISagaContext<OrderState> saga, CancellationToken cancellationToken)
    {
        probe.SagaInvoked();
        saga.State.StockReserved = true;
        await saga.SendAsync(new ChargeCard(saga.Key, saga.State.DeclineCard), SendOptions.To(OrderQueues.Payments), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask HandleAsync(CardCharged message, ISagaContext<OrderState> saga, CancellationToken cancellationToken)
    {
        probe.SagaInvoked();
        saga.State.CardCharged = true;
        await saga.SendAsync(new BookShipment(saga.Key, saga.State.FailShipment), SendOptions.To(OrderQueues.Shipping), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(CardDeclined message, ISagaContext<OrderState> saga, CancellationToken cancellationToken)
    {
        probe.SagaInvoked();
        return CompensateAsync(saga, cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(ShipmentBooked message, ISagaContext<OrderState> saga, CancellationToken cancellationToken)
    {
        probe.SagaInvoked();
        saga.State.ShipmentBooked = true;
        saga.State.Status = "shipped";
        saga.Complete();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(ShipmentFailed message, ISagaContext<OrderState> saga, CancellationToken cancellationToken)
    {
        probe.SagaInvoked();
        return CompensateAsync(saga, cancellationToken);
    }

    private static async ValueTask CompensateAsync(ISagaContext<OrderState> saga, CancellationToken cancellationToken)
    {
        if (saga.State.ShipmentBooked)
        {
            await saga.SendAsync(new CancelShipment(saga.Key), SendOptions.To(OrderQueues.Shipping), cancellationToken).ConfigureAwait(false);
        }

        if (saga.State.CardCharged)
        {
            await saga.SendAsync(new RefundCard(saga.Key), SendOptions.To(OrderQueues.Payments), cancellationToken).ConfigureAwait(false);
        }

        if (saga.State.StockReserved)
        {
            await saga.SendAsync(new ReleaseStock(saga.Key), SendOptions.To(OrderQueues.Stock), cancellationToken).ConfigureAwait(false);
        }

        saga.State.Status = "compensated";
        saga.Complete();
    }
}

/// <summary>The order saga's participants: record every command, and answer the steps (failing them when told to).</summary>
public sealed class OrderParticipants(StoreProbe probe) :
    IMessageHandler<ReserveStock>,
    IMessageHandler<ChargeCard>,
    IMessageHandler<BookShipment>,
    IMessageHandler<ReleaseStock>,
    IMessageHandler<RefundCard>,
    IMessageHandler<CancelShipment>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(ReserveStock message, IMessageContext context, CancellationToken cancellationToken)
    {
        probe.Record(message);
        return context.SendAsync(new StockReserved(message.OrderId), SendOptions.To(OrderQueues.Orders), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(ChargeCard message, IMessageContext context, CancellationToken cancellationToken)
    {
        probe.Record(message);
        return message.Decline
            ? context.SendAsync(new CardDeclined(message.OrderId), SendOptions.To(OrderQueues.Orders), cancellationToken)
            : context.SendAsync(new CardCharged(message.OrderId), SendOptions.To(OrderQueues.Orders), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(BookShipment message, IMessageContext context, CancellationToken cancellationToken)
    {
        probe.Record(message);
        return message.Fail
            ? context.SendAsync(new ShipmentFailed(message.OrderId), SendOptions.To(OrderQueues.Orders), cancellationToken)
            : context.SendAsync(new ShipmentBooked(message.OrderId), SendOptions.To(OrderQueues.Orders), cancellationToken);
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(ReleaseStock message, IMessageContext context, CancellationToken cancellationToken)
    {
        probe.Record(message);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(RefundCard message, IMessageContext context, CancellationToken cancellationToken)
    {
        probe.Record(message);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask HandleAsync(CancelShipment message, IMessageContext context, CancellationToken cancellationToken)
    {
        probe.Record(message);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A transactional handler with its own table: inserts a row through <see cref="ISqlUnitOfWork.GetDbTransactionAsync"/>,
/// sends <see cref="LedgerRowWritten"/> to <see cref="AuditQueue"/>, then throws when the message says so.
/// </summary>
public sealed class LedgerHandler(ISqlUnitOfWork unitOfWork) : IMessageHandler<WriteLedgerRow>
{
    /// <summary>The handler's table (created with <see cref="ITestDatabase.CreateTestTableAsync"/>).</summary>
    public const string Table = "store_suite_ledger";

    /// <summary>Where <see cref="LedgerRowWritten"/> goes.</summary>
    public const string AuditQueue = "store-ledger-audit";

    /// <inheritdoc />
    public async ValueTask HandleAsync(WriteLedgerRow message, IMessageContext context, CancellationToken cancellationToken)
    {
        var transaction = await unitOfWork.GetDbTransactionAsync(cancellationToken).ConfigureAwait(false);
        await InsertRowAsync(transaction, Table, message.Id, message.Value, cancellationToken).ConfigureAwait(false);
        await context.SendAsync(new LedgerRowWritten(message.Id, message.Value), SendOptions.To(AuditQueue), cancellationToken).ConfigureAwait(false);
        if (message.Fail)
        {
            throw new InvalidOperationException($"Ledger row {message.Id} was written, then the handler failed.");
        }
    }

    /// <summary>
    /// Inserts <c>(id, value)</c> into a test table on the transaction's connection. <c>@name</c> parameters work
    /// with both Microsoft.Data.Sqlite and Npgsql. <paramref name="table"/> is a test constant, never user input.
    /// </summary>
    public static async Task InsertRowAsync(DbTransaction transaction, string table, string id, long value, CancellationToken cancellationToken = default)
    {
        var connection = transaction.Connection ?? throw new InvalidOperationException("The unit of work's transaction has no connection.");
        var command = connection.CreateCommand();
        await using (command.ConfigureAwait(false))
        {
            command.Transaction = transaction;
#pragma warning disable CA2100 // The table name is one of the suites' constants.
            command.CommandText = $"INSERT INTO {table} (id, value) VALUES (@id, @value)";
#pragma warning restore CA2100
            var idParameter = command.CreateParameter();
            idParameter.ParameterName = "@id";
            idParameter.Value = id;
            command.Parameters.Add(idParameter);
            var valueParameter = command.CreateParameter();
            valueParameter.ParameterName = "@value";
            valueParameter.Value = value;
            command.Parameters.Add(valueParameter);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }
}

/// <summary>Records the <see cref="LedgerRowWritten"/> messages that reached the audit endpoint.</summary>
public sealed class LedgerAuditHandler(StoreProbe probe) : IMessageHandler<LedgerRowWritten>
{
    /// <inheritdoc />
    public ValueTask HandleAsync(LedgerRowWritten message, IMessageContext context, CancellationToken cancellationToken)
    {
        probe.Record(message);
        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// A transactional handler that reads outside its unit of work and writes through it: it reads a counter (through
/// <see cref="CounterReads"/>, a connection of its own) and enlists "set it to what I read plus one, if it is still
/// what I read" with one expected row (<see cref="ISqlUnitOfWork.EnlistWriteAsync"/>). A concurrent increment in between
/// is a conflict, and the message runs again.
/// </summary>
public sealed class CounterHandler(ISqlUnitOfWork unitOfWork, CounterReads reads) : IMessageHandler<IncrementCounter>
{
    /// <summary>The handler's table (created with <see cref="ITestDatabase.CreateTestTableAsync"/>).</summary>
    public const string Table = "store_suite_counters";

    /// <inheritdoc />
    public async ValueTask HandleAsync(IncrementCounter message, IMessageContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var current = await reads.ReadAsync(message.Id, cancellationToken).ConfigureAwait(false);
        await unitOfWork.EnlistWriteAsync(
            new StoreWrite($"UPDATE {Table} SET value = @p1 WHERE id = @p0 AND value = @p2", message.Id, current + 1, current) { ExpectedRows = 1 },
            cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>How <see cref="CounterHandler"/> reads a counter outside its unit of work (the suite reads the test table).</summary>
/// <param name="read">Reads the value of a row.</param>
public sealed class CounterReads(Func<string, CancellationToken, ValueTask<long>> read)
{
    /// <summary>The committed value of counter <paramref name="id"/>.</summary>
    public ValueTask<long> ReadAsync(string id, CancellationToken cancellationToken) => read(id, cancellationToken);
}
