using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Conformance.Harness;
using Switchboard.InMemory;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Tests.Sending;

public sealed class OrderingKeyTests
{
    private sealed record Posting(Guid Account, int Number);

    private sealed record Note(string Text);

    private sealed class NoteHandler : IMessageHandler<Note>
    {
        public ValueTask HandleAsync(Note message, IMessageContext context, CancellationToken cancellationToken) => ValueTask.CompletedTask;
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData("sku-1", "sku-1")]
    [InlineData(42, "42")]
    [InlineData(1.5, "1.5")]
    public void A_key_travels_as_its_invariant_text(object? key, string? expected) =>
        Assert.Equal(expected, OrderingKeys.Normalize(key));

    [Fact]
    public void A_guid_key_is_its_standard_form()
    {
        var id = Guid.NewGuid();
        Assert.Equal(id.ToString(), OrderingKeys.Normalize(id));
    }

    [Fact]
    public void A_key_longer_than_the_limit_is_refused() =>
        Assert.Throws<ArgumentException>(() => OrderingKeys.Normalize(new string('k', OrderingKeys.MaxLength + 1)));

    [Fact]
    public async Task The_sending_bus_stamps_the_types_key_and_a_key_in_the_options_wins()
    {
        using var network = new InMemoryNetwork();
        await using var probe = new InMemoryTransport(network);
        await probe.DeclareEndpointAsync(new EndpointDeclaration("ledger", []));
        var account = Guid.NewGuid();
        using var host = await TestHost.StartAsync(b => b.Message<Posting>("tests.posting.v1").OrderingKey<Posting>(p => p.Account), network: network);
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.SendAsync("ledger", new Posting(account, 1));
        await bus.SendAsync(new Posting(account, 2), new SendOptions { Destination = "ledger", OrderingKey = "override" });

        await using var receiver = await probe.CreateReceiverAsync("ledger", new ReceiverOptions());
        var first = await receiver.ReceiveAsync();
        var second = await receiver.ReceiveAsync();
        Assert.Equal(account.ToString(), first.Envelope.Headers[HeaderNames.OrderingKey]);
        Assert.Equal("override", second.Envelope.Headers[HeaderNames.OrderingKey]);
    }

    [Fact]
    public async Task A_type_without_a_key_travels_without_the_header()
    {
        using var network = new InMemoryNetwork();
        await using var probe = new InMemoryTransport(network);
        await probe.DeclareEndpointAsync(new EndpointDeclaration("notes", []));
        using var host = await TestHost.StartAsync(b => b.Message<Note>("tests.note.v1"), network: network);

        await host.Services.GetRequiredService<IBus>().SendAsync("notes", new Note("hello"));

        await using var receiver = await probe.CreateReceiverAsync("notes", new ReceiverOptions());
        Assert.False((await receiver.ReceiveAsync()).Envelope.Headers.ContainsKey(HeaderNames.OrderingKey));
    }

    [Fact]
    public async Task A_type_with_two_keys_fails_the_build_and_says_how_to_fix_it()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => TestHost.StartAsync(b => b
            .Message<Posting>("tests.posting.v1")
            .OrderingKey<Posting>(p => p.Account)
            .Endpoint("ledger", e => e.OrderedBy<Posting>(p => p.Number))));

        Assert.Contains("Posting has two ordering keys", error.Message);
        Assert.Contains("Ordered()", error.Message);
    }

    [Fact]
    public async Task A_key_for_an_unregistered_type_fails_the_build() =>
        await Assert.ThrowsAsync<UnregisteredMessageTypeException>(() => TestHost.StartAsync(b => b.OrderingKey<Posting>(p => p.Account)));

    [Fact]
    public async Task An_ordered_endpoint_on_a_transport_that_cannot_keep_order_fails_the_start()
    {
        using var network = new InMemoryNetwork();
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Services.AddSwitchboard(bus => bus
            .Message<Note>("tests.note.v1")
            .Endpoint("notes", e => e.Ordered().Handle<Note, NoteHandler>())
            .UseTransport(_ => new UnorderedTransport(new InMemoryTransport(network))));
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<NotSupportedException>(() => host.StartAsync());

        Assert.Contains("Endpoint 'notes' is ordered", error.Message);
    }
}
