using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;

namespace Switchboard.Tests.AsyncApi;

public sealed record ChargeCard(Guid PaymentId, decimal Amount, string? Reference);

public sealed record CardCharged(Guid PaymentId, DateTimeOffset At);

public sealed record AuditNote(string Text);

/// <summary>How a consumer that needs only the id reads <see cref="CardCharged"/>.</summary>
public sealed record ChargedId(Guid PaymentId);

/// <summary>A type that contains itself: the schema exporter refers back to it with a pointer.</summary>
public sealed record Comment(string Text, IReadOnlyList<Comment> Replies);

internal sealed class Handles<T> : IMessageHandler<T>
    where T : notnull
{
    public ValueTask HandleAsync(T message, IMessageContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
}

/// <summary>Bus configurations as <c>AddSwitchboard</c> builds them, read without running the bus.</summary>
internal static class Buses
{
    public static BusConfiguration Configure(Action<SwitchboardBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddSwitchboard(bus =>
        {
            configure(bus);
            bus.UseTransport(_ => throw new InvalidOperationException("This bus is only described, never run."));
        });
        return (BusConfiguration)services.Single(d => d.ServiceType == typeof(BusConfiguration)).ImplementationInstance!;
    }

    public static SwitchboardBuilder Messages(this SwitchboardBuilder bus) => bus
        .Message<ChargeCard>("tests.charge-card.v1")
        .Message<CardCharged>("tests.card-charged.v1")
        .Message<AuditNote>("tests.audit-note.v1");

    /// <summary>Billing: handles ChargeCard (routed to it) and publishes CardCharged.</summary>
    public static void Billing(SwitchboardBuilder bus) => bus
        .Messages()
        .Route<ChargeCard>("billing")
        .Publishes<CardCharged>()
        .Endpoint("billing", e => e.Handle<ChargeCard, Handles<ChargeCard>>());

    /// <summary>Ledger: handles CardCharged, and AuditNote only when sent to it (no subscription).</summary>
    public static void Ledger(SwitchboardBuilder bus) => bus
        .Messages()
        .Endpoint("ledger", e => e.Handle<CardCharged, Handles<CardCharged>>().Handle<AuditNote, Handles<AuditNote>>(subscribe: false));
}
