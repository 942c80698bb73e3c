using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.Conformance.Harness;
using Switchboard.InMemory;

namespace Switchboard.Tests.Messages;

/// <summary>The bus's upcasters are checked when it is built, and endpoints subscribe to the old names they can read.</summary>
public sealed class UpcastConfigurationTests
{
    private sealed record Draft(int Number);

    [Fact]
    public void A_typed_upcast_to_an_unregistered_type_fails_at_build_naming_the_type()
    {
        var error = BuildFails(bus => bus.Upcast<InvoiceIssuedV1, InvoiceIssuedV2>(VersionedMessages.EventV1, v1 => new(v1.Number, 0, "EUR")));

        Assert.Contains($"ends with {nameof(InvoiceIssuedV2)}, which is not a registered message type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_json_upcast_to_an_unknown_name_fails_at_build_naming_the_name()
    {
        var error = BuildFails(bus => bus.UpcastJson("x.v1", "x.v2", j => j));

        Assert.Contains("leads to 'x.v2', which is neither registered nor upcast", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_upcasters_that_loop_fail_at_build()
    {
        var error = BuildFails(bus => bus.UpcastJson("ping.v1", "pong.v1", j => j).UpcastJson("pong.v1", "ping.v1", j => j));

        Assert.Contains("loop: ping.v1 → pong.v1 → ping.v1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Typed_upcasters_that_loop_fail_at_build()
    {
        var error = BuildFails(bus => bus
            .Message<InvoiceIssuedV1>(VersionedMessages.EventV1)
            .Message<InvoiceIssuedV2>(VersionedMessages.EventV2)
            .Upcast<InvoiceIssuedV1, InvoiceIssuedV2>(VersionedMessages.EventV1, v1 => new(v1.Number, 0, "EUR"))
            .Upcast<InvoiceIssuedV2, InvoiceIssuedV1>(VersionedMessages.EventV2, v2 => new(v2.Number, 0)));

        Assert.Contains("loop", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_registered_name_cannot_be_upcast_as_json()
    {
        var error = BuildFails(bus => bus.AddVersion1().AddVersion2());

        Assert.Contains($"'{VersionedMessages.CommandV1}' is registered for {nameof(IssueInvoiceV1)} and upcast as JSON", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_registered_name_is_upcast_only_from_its_registered_type()
    {
        var error = BuildFails(bus => bus
            .Message<Draft>(VersionedMessages.EventV1)
            .Message<InvoiceIssuedV2>(VersionedMessages.EventV2)
            .Upcast<InvoiceIssuedV1, InvoiceIssuedV2>(VersionedMessages.EventV1, v1 => new(v1.Number, 0, "EUR")));

        Assert.Contains($"'{VersionedMessages.EventV1}' is registered for {nameof(Draft)} and upcast from {nameof(InvoiceIssuedV1)}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_old_type_registered_under_another_name_cannot_be_upcast()
    {
        var error = BuildFails(bus => bus
            .Message<InvoiceIssuedV1>("elsewhere.v1")
            .Message<InvoiceIssuedV2>(VersionedMessages.EventV2)
            .Upcast<InvoiceIssuedV1, InvoiceIssuedV2>(VersionedMessages.EventV1, v1 => new(v1.Number, 0, "EUR")));

        Assert.Contains($"{nameof(InvoiceIssuedV1)} is registered as 'elsewhere.v1' and upcast from '{VersionedMessages.EventV1}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_name_or_an_old_type_is_upcast_once()
    {
        var services = new ServiceCollection();

        services.AddSwitchboard(bus =>
        {
            bus.UpcastJson("x.v1", "x.v2", j => j);
            Assert.Throws<InvalidOperationException>(() => bus.UpcastJson("x.v1", "x.v3", j => j));
            Assert.Throws<InvalidOperationException>(() => bus.Upcast<Draft, InvoiceIssuedV2>("x.v1", d => new(d.Number, 0, "EUR")));
            bus.Upcast<Draft, InvoiceIssuedV2>("draft.v1", d => new(d.Number, 0, "EUR"));
            Assert.Throws<InvalidOperationException>(() => bus.Upcast<Draft, InvoiceIssuedV2>("draft.v0", d => new(d.Number, 0, "EUR")));
            Assert.Throws<ArgumentException>(() => bus.UpcastJson("not a name", "x.v2", j => j));
            bus.UseInMemory(new InMemoryNetwork()).Message<InvoiceIssuedV2>(VersionedMessages.EventV2).Message<InvoiceIssuedV1>("x.v2");
        });
    }

    [Fact]
    public void Upcast_old_names_are_readable_and_say_what_they_are_read_as()
    {
        var registry = Build(bus => bus.AddVersion2()).Registry;

        Assert.Equal([VersionedMessages.EventV1, VersionedMessages.EventV2, VersionedMessages.CommandV1, VersionedMessages.CommandV2], registry.ReadableNames.Order(StringComparer.Ordinal));
        Assert.True(registry.CanRead(VersionedMessages.CommandV1));
        Assert.False(registry.TryGetType(VersionedMessages.CommandV1, out _));
        Assert.Null(registry.Upcasts[VersionedMessages.CommandV1]);
        Assert.Equal(typeof(InvoiceIssuedV1), registry.Upcasts[VersionedMessages.EventV1]);
        Assert.False(registry.CanRead("x.v1"));
    }

    [Fact]
    public void An_endpoint_subscribes_to_the_old_names_it_reads_as_a_type_it_subscribes_to()
    {
        var configuration = Build(bus => bus
            .AddVersion2()
            .UpcastJson("switchboard.testing.invoice-issued.v0", VersionedMessages.EventV1, j => j)
            .Endpoint("new", e => e.Handle<InvoiceIssuedV2, VersionedHandler>().Handle<IssueInvoiceV2, VersionedHandler>(subscribe: false))
            .Endpoint("other", e => e.Handle<Draft, DraftHandler>())
            .Message<Draft>("tests.draft.v1"));

        Assert.Equal(
            ["switchboard.testing.invoice-issued.v0", VersionedMessages.EventV1, VersionedMessages.EventV2],
            Topics(configuration, "new"));
        Assert.Equal(["tests.draft.v1"], Topics(configuration, "other"));
    }

    [Fact]
    public void An_endpoint_with_handlers_for_both_versions_subscribes_to_both_names()
    {
        var configuration = Build(bus => bus
            .Message<InvoiceIssuedV1>(VersionedMessages.EventV1)
            .Message<InvoiceIssuedV2>(VersionedMessages.EventV2)
            .Upcast<InvoiceIssuedV1, InvoiceIssuedV2>(VersionedMessages.EventV1, v1 => new(v1.Number, 0, "EUR"))
            .Endpoint("both", e => e.Handle<InvoiceIssuedV1, VersionedHandler>().Handle<InvoiceIssuedV2, VersionedHandler>()));

        Assert.Equal([VersionedMessages.EventV1, VersionedMessages.EventV2], Topics(configuration, "both"));
    }

    private static string[] Topics(BusConfiguration configuration, string queue) =>
        [.. configuration.Endpoints.Single(e => e.Queue == queue).Topics.Order(StringComparer.Ordinal)];

    private static BusConfiguration Build(Action<SwitchboardBuilder> configure)
    {
        var services = new ServiceCollection();
        services.AddSwitchboard(bus => configure(bus.UseInMemory(new InMemoryNetwork())));
        using var provider = services.BuildServiceProvider();
        return provider.GetRequiredService<BusConfiguration>();
    }

    private static InvalidOperationException BuildFails(Action<SwitchboardBuilder> configure) =>
        Assert.Throws<InvalidOperationException>(() => Build(configure));

    private sealed class DraftHandler : IMessageHandler<Draft>
    {
        public ValueTask HandleAsync(Draft message, IMessageContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }
}
