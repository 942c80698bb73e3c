using Shop.Contracts;

namespace Shop.Invariants.Tests;

public sealed class InvariantCheckTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;
    private static readonly ShippingAddress Address = new("Ada", "1 Main St", null, "Berlin", "10115", "DE");
    private static readonly OrderLine Line = new("SKU-0001", 2, 8.50m);

    [Fact]
    public void A_clean_run_passes()
    {
        var (ledger, completed, failed) = (new EventLedger(), Guid.NewGuid(), Guid.NewGuid());
        Place(ledger, completed);
        Record(ledger, new PaymentProcessed(completed, "ch_1", 17m, "EUR", [Line], Now), new OrderShipped(completed, "sh_1", "SB1", Now), new OrderCompleted(completed, Now));
        Place(ledger, failed);
        Record(ledger, new PaymentProcessed(failed, "ch_2", 17m, "EUR", [Line], Now), new InventoryUpdateFailed(failed, "out of stock", Now), new PaymentRefunded(failed, "ch_2", 17m, "EUR", "out of stock", Now), new OrderFailed(failed, "out of stock", Now));

        var report = InvariantCheck.Check(ledger, [completed, failed], Conserved(), [new("c1", "e1"), new("c1", "e2")]);

        Assert.True(report.Passed, string.Join("; ", report.Violations));
        Assert.Equal((2, 1, 1, 0, 1), (report.Orders, report.Completed, report.Failed, report.Cancelled, report.Refunds));
    }

    [Fact]
    public void A_redelivered_copy_of_the_same_message_is_not_a_second_charge_but_a_second_charge_is_caught()
    {
        var (ledger, order) = (new EventLedger(), Guid.NewGuid());
        Place(ledger, order);
        var charge = new PaymentProcessed(order, "ch_1", 17m, "EUR", [Line], Now);
        ledger.Record("m-charge", charge);
        ledger.Record("m-charge", charge);
        Record(ledger, new OrderShipped(order, "sh_1", "SB1", Now), new OrderCompleted(order, Now));
        Assert.True(InvariantCheck.Check(ledger, [order], Conserved(), []).Passed);

        ledger.Record("m-charge-again", charge with { PaymentId = "ch_2" });
        Assert.Contains(InvariantCheck.Check(ledger, [order], Conserved(), []).Violations, v => v.Contains("charged 2 times", StringComparison.Ordinal));
    }

    [Fact]
    public void Missing_or_double_refunds_and_terminal_states_are_caught()
    {
        var (ledger, unrefunded, twice, open) = (new EventLedger(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Place(ledger, unrefunded);
        Record(ledger, new PaymentProcessed(unrefunded, "ch_1", 1m, "EUR", [Line], Now), new OrderCancelled(unrefunded, "timeout", Now));
        Place(ledger, twice);
        Record(ledger, new OrderFailed(twice, "declined", Now), new OrderCompleted(twice, Now));
        Place(ledger, open);

        var violations = InvariantCheck.Check(ledger, [unrefunded, twice, open], Conserved(), []).Violations;

        Assert.Contains(violations, v => v.Contains(unrefunded.ToString(), StringComparison.Ordinal) && v.Contains("refunded 0 times", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains(twice.ToString(), StringComparison.Ordinal) && v.Contains("2 terminal states", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains(open.ToString(), StringComparison.Ordinal) && v.Contains("0 terminal states", StringComparison.Ordinal));
    }

    [Fact]
    public void A_cancelled_order_whose_shipment_was_voided_passes_but_a_shipment_that_stands_is_caught()
    {
        var (ledger, voided, shipped, unshipped) = (new EventLedger(), Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        Place(ledger, voided);
        Record(ledger, new OrderShipped(voided, "sh_1", "SB1", Now), new OrderCancelled(voided, "timeout", Now), new ShipmentCancelled(voided, "sh_1", "timeout", Now));
        Assert.True(InvariantCheck.Check(ledger, [voided], Conserved(), []).Passed);

        Place(ledger, shipped);
        Record(ledger, new OrderShipped(shipped, "sh_2", "SB2", Now), new OrderCancelled(shipped, "timeout", Now));
        Place(ledger, unshipped);
        Record(ledger, new OrderCompleted(unshipped, Now));

        var violations = InvariantCheck.Check(ledger, [voided, shipped, unshipped], Conserved(), []).Violations;

        Assert.Equal(2, violations.Count);
        Assert.Contains(violations, v => v.Contains(shipped.ToString(), StringComparison.Ordinal) && v.Contains("shipped 1× and 0 shipment(s) voided", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains(unshipped.ToString(), StringComparison.Ordinal) && v.Contains("shipped 0×", StringComparison.Ordinal));
    }

    [Fact]
    public void Negative_or_unconserved_stock_and_duplicate_notifications_are_caught()
    {
        var stock = new List<StockLevel> { new("SKU-0009", -1, 51), new("SKU-0010", 10, 5) };

        var violations = InvariantCheck.Check(new EventLedger(), [], stock, [new("c1", "e1"), new("c1", "e1")]).Violations;

        Assert.Contains(violations, v => v.Contains("SKU-0009 has negative stock", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("SKU-0010 is not conserved", StringComparison.Ordinal));
        Assert.Contains(violations, v => v.Contains("event e1 was notified 2 times", StringComparison.Ordinal));
    }

    private static IReadOnlyList<StockLevel> Conserved() => Catalog.Products.Select(p => new StockLevel(p.Sku, p.InitialStock - 2, 2)).ToList();

    private static void Place(EventLedger ledger, Guid order) =>
        ledger.Record(Guid.NewGuid().ToString(), new OrderCreated(order, "c1", "c1@example.com", [Line], 17m, "EUR", "tok_visa", Address, Now));

    private static void Record(EventLedger ledger, params object[] events)
    {
        foreach (var e in events)
        {
            ledger.Record(Guid.NewGuid().ToString(), e);
        }
    }
}
