using Shop.Contracts;
using Shop.Order.Domain;

namespace Shop.Order.Tests;

public sealed class OrderRequestFingerprintTests
{
    private static readonly PlaceOrder Command = new(
        Guid.NewGuid(),
        "cust-1",
        "ada@example.com",
        [new OrderLine("SKU-0001", 2, 8.50m), new OrderLine("SKU-0004", 1, 24.90m)],
        "tok_visa",
        new ShippingAddress("Ada Lovelace", "12 Analytical St", null, "London", "N1 9GU", "GB"),
        "key-1",
        DateTimeOffset.UnixEpoch,
        DateTimeOffset.UnixEpoch.AddMinutes(2));

    [Fact]
    public void It_is_a_SHA256_that_does_not_depend_on_the_id_key_time_prices_or_line_order()
    {
        var fingerprint = OrderRequestFingerprint.Of(Command);

        Assert.Matches("^[0-9a-f]{64}$", fingerprint);
        Assert.DoesNotContain("tok_visa", fingerprint, StringComparison.Ordinal);
        Assert.Equal(fingerprint, OrderRequestFingerprint.Of(Command with
        {
            OrderId = Guid.NewGuid(),
            IdempotencyKey = "key-2",
            At = DateTimeOffset.UtcNow,
            Lines = [new OrderLine("SKU-0004", 1, 99m), new OrderLine("SKU-0001", 2, 1m)],
        }));
    }

    [Fact]
    public void Every_part_of_the_request_changes_it()
    {
        var address = Command.ShippingAddress;
        PlaceOrder[] changed =
        [
            Command with { CustomerId = "cust-2" },
            Command with { Email = "Ada@example.com" },
            Command with { Lines = [new OrderLine("SKU-0001", 3, 8.50m), new OrderLine("SKU-0004", 1, 24.90m)] },
            Command with { Lines = [new OrderLine("SKU-0001", 2, 8.50m)] },
            Command with { Lines = [new OrderLine("SKU-0001", 2, 8.50m), new OrderLine("SKU-0005", 1, 24.90m)] },
            Command with { PaymentToken = "tok_mastercard" },
            Command with { ShippingAddress = address with { Name = "Ada King" } },
            Command with { ShippingAddress = address with { Line1 = "13 Analytical St" } },
            Command with { ShippingAddress = address with { Line2 = "Flat 2" } },
            Command with { ShippingAddress = address with { Line2 = "" } },
            Command with { ShippingAddress = address with { City = "Londonderry" } },
            Command with { ShippingAddress = address with { PostalCode = "N1 9GV" } },
            Command with { ShippingAddress = address with { Country = "IE" } },

            // Length prefixes: moving text from one field to the next is another request.
            Command with { ShippingAddress = address with { Name = "Ada Lovelace1", Line1 = "2 Analytical St" } },
        ];

        var fingerprints = changed.Select(OrderRequestFingerprint.Of).Append(OrderRequestFingerprint.Of(Command)).ToList();

        Assert.Equal(fingerprints.Count, fingerprints.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void The_aggregate_records_it_in_OrderPlaced()
    {
        var order = new OrderAggregate();
        order.Place(Command);

        var placed = Assert.Single(order.Changes.OfType<OrderPlaced>());
        Assert.Equal(OrderRequestFingerprint.Of(Command), placed.RequestFingerprint);
    }
}
