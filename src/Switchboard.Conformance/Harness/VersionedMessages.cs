using Switchboard.Configuration;

namespace Switchboard.Conformance.Harness;

/// <summary>A command as producers before a breaking change send it: an amount in euros.</summary>
/// <param name="Number">Tells the messages of a test apart.</param>
/// <param name="Amount">The amount, in euros.</param>
public sealed record IssueInvoiceV1(int Number, decimal Amount);

/// <summary>The command's second version, a breaking change: the amount in cents, with its currency.</summary>
/// <param name="Number">Tells the messages of a test apart.</param>
/// <param name="Cents">The amount, in cents.</param>
/// <param name="Currency">The amount's currency.</param>
public sealed record IssueInvoiceV2(int Number, long Cents, string Currency);

/// <summary>An event as producers before a breaking change publish it: an amount in euros.</summary>
/// <param name="Number">Tells the messages of a test apart.</param>
/// <param name="Amount">The amount, in euros.</param>
public sealed record InvoiceIssuedV1(int Number, decimal Amount);

/// <summary>The event's second version, a breaking change: the amount in cents, with its currency.</summary>
/// <param name="Number">Tells the messages of a test apart.</param>
/// <param name="Cents">The amount, in cents.</param>
/// <param name="Currency">The amount's currency.</param>
public sealed record InvoiceIssuedV2(int Number, long Cents, string Currency);

/// <summary>
/// The wire names of the versioned messages, and the two ways a bus registers them: the old version as it was, and the
/// new version with upcasters from the old one (the command's as JSON, as when its old type is gone from the code; the
/// event's typed).
/// </summary>
public static class VersionedMessages
{
    /// <summary>Wire name of <see cref="IssueInvoiceV1"/>.</summary>
    public const string CommandV1 = "switchboard.testing.issue-invoice.v1";

    /// <summary>Wire name of <see cref="IssueInvoiceV2"/>.</summary>
    public const string CommandV2 = "switchboard.testing.issue-invoice.v2";

    /// <summary>Wire name of <see cref="InvoiceIssuedV1"/>.</summary>
    public const string EventV1 = "switchboard.testing.invoice-issued.v1";

    /// <summary>Wire name of <see cref="InvoiceIssuedV2"/>.</summary>
    public const string EventV2 = "switchboard.testing.invoice-issued.v2";

    /// <summary>The currency every upcast amount is in.</summary>
    public const string Currency = "EUR";

    /// <summary>Registers version 1 of both messages, as a bus deployed before the change has them.</summary>
    public static SwitchboardBuilder AddVersion1(this SwitchboardBuilder builder) => builder
        .Message<IssueInvoiceV1>(CommandV1)
        .Message<InvoiceIssuedV1>(EventV1);

    /// <summary>Registers version 2 of both messages, with the upcasters that read version 1 as version 2.</summary>
    public static SwitchboardBuilder AddVersion2(this SwitchboardBuilder builder) => builder
        .Message<IssueInvoiceV2>(CommandV2)
        .Message<InvoiceIssuedV2>(EventV2)
        .UpcastJson(CommandV1, CommandV2, json =>
        {
            var amount = json["amount"]!.GetValue<decimal>();
            json.Remove("amount");
            json["cents"] = Cents(amount);
            json["currency"] = Currency;
            return json;
        })
        .Upcast<InvoiceIssuedV1, InvoiceIssuedV2>(EventV1, v1 => new(v1.Number, Cents(v1.Amount), Currency));

    /// <summary>An amount in euros in cents.</summary>
    public static long Cents(decimal amount) => (long)decimal.Round(amount * 100m);
}
