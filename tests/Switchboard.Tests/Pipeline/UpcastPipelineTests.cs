using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Configuration;
using Switchboard.Conformance.Harness;
using Switchboard.InMemory;
using Switchboard.Serialization;

namespace Switchboard.Tests.Pipeline;

/// <summary>The receive pipeline reads a message sent under an old name as the type the endpoint handles.</summary>
public sealed class UpcastPipelineTests
{
    private const string Queue = "invoicing";
    private const string EventV0 = "switchboard.testing.invoice-issued.v0";

    private readonly InMemoryNetwork _network = new();
    private readonly MessageRecorder _recorder = new();

    [Fact]
    public async Task An_endpoint_with_version_2_handlers_gets_version_1_upcast_and_sees_the_name_it_came_under()
    {
        using var consumer = await StartAsync(bus => bus.AddVersion2().Endpoint(Queue, e => e.Handle<IssueInvoiceV2, VersionedHandler>().Handle<InvoiceIssuedV2, VersionedHandler>()));
        using var producer = await StartAsync(bus => bus.AddVersion1());
        var bus = producer.Services.GetRequiredService<IBus>();

        await bus.SendAsync(new IssueInvoiceV1(1, 12.5m), new SendOptions { Destination = Queue, MessageId = "command-1" });
        await bus.PublishAsync(new InvoiceIssuedV1(2, 0.99m), new PublishOptions { MessageId = "event-2" });

        var all = await _recorder.WaitForCountAsync(2, TimeSpan.FromSeconds(30));
        var command = Assert.Single(all, h => h.Message is IssueInvoiceV2);
        Assert.Equal(new IssueInvoiceV2(1, 1250, "EUR"), command.Message);
        Assert.Equal((VersionedMessages.CommandV1, "command-1"), (command.Envelope.MessageType, command.Envelope.MessageId));
        var @event = Assert.Single(all, h => h.Message is InvoiceIssuedV2);
        Assert.Equal(new InvoiceIssuedV2(2, 99, "EUR"), @event.Message);
        Assert.Equal((VersionedMessages.EventV1, "event-2"), (@event.Envelope.MessageType, @event.Envelope.MessageId));
        await consumer.StopAsync();
    }

    [Fact]
    public async Task An_endpoint_with_a_handler_for_the_old_type_gets_the_old_message_as_it_came()
    {
        using var host = await StartAsync(bus => bus
            .Message<InvoiceIssuedV1>(VersionedMessages.EventV1)
            .Message<InvoiceIssuedV2>(VersionedMessages.EventV2)
            .Upcast<InvoiceIssuedV1, InvoiceIssuedV2>(VersionedMessages.EventV1, v1 => new(v1.Number, VersionedMessages.Cents(v1.Amount), "EUR"))
            .Endpoint(Queue, e => e.Handle<InvoiceIssuedV1, VersionedHandler>().Handle<InvoiceIssuedV2, VersionedHandler>()));
        var bus = host.Services.GetRequiredService<IBus>();

        await bus.PublishAsync(new InvoiceIssuedV1(1, 1m));
        await bus.PublishAsync(new InvoiceIssuedV2(2, 200, "EUR"));

        var all = await _recorder.WaitForCountAsync(2, TimeSpan.FromSeconds(30));
        Assert.Equal([new InvoiceIssuedV1(1, 1m), new InvoiceIssuedV2(2, 200, "EUR")], all.Select(h => h.Message).OrderBy(m => m is InvoiceIssuedV2));
        await host.StopAsync();
    }

    [Fact]
    public async Task Upcasters_chain_from_json_to_typed()
    {
        using var host = await StartAsync(bus => bus
            .AddVersion2()
            .UpcastJson(EventV0, VersionedMessages.EventV1, json =>
            {
                json["amount"] = json["total"]!.DeepClone();
                return json;
            })
            .Endpoint(Queue, e => e.Handle<InvoiceIssuedV2, VersionedHandler>()));

        await SendRawAsync(RawEnvelopes.Create(EventV0, """{"number":3,"total":1.5}"""));

        var handled = Assert.Single(await _recorder.WaitForCountAsync(1, TimeSpan.FromSeconds(30)));
        Assert.Equal((new InvoiceIssuedV2(3, 150, "EUR"), EventV0), (handled.Message, handled.Envelope.MessageType));
        await host.StopAsync();
    }

    [Fact]
    public async Task An_upcaster_that_throws_dead_letters_the_message_at_once_with_its_exception()
    {
        using var host = await StartAsync(bus => bus
            .Message<InvoiceIssuedV2>(VersionedMessages.EventV2)
            .Upcast<InvoiceIssuedV1, InvoiceIssuedV2>(VersionedMessages.EventV1, _ => throw new FormatException("no currency for this amount"))
            .Endpoint(Queue, e => e.Handle<InvoiceIssuedV2, VersionedHandler>()));

        await SendRawAsync(RawEnvelopes.Create(VersionedMessages.EventV1, """{"number":1,"amount":2}"""));

        var letter = Assert.Single(await WaitForDeadLettersAsync(host, 1));
        Assert.Equal($"Upcasting '{VersionedMessages.EventV1}' failed: no currency for this amount", letter.Reason);
        Assert.Equal((typeof(MessageBodyException).FullName, 0), (letter.ExceptionType, letter.Attempts));
        Assert.Contains(nameof(FormatException), letter.StackTrace, StringComparison.Ordinal);
        Assert.Empty(_recorder.All);
        await host.StopAsync();
    }

    [Theory]
    [InlineData(VersionedMessages.EventV1, """{"number":1}""", "does not satisfy the contract of InvoiceIssuedV1: missing required properties: amount")]
    [InlineData(VersionedMessages.CommandV1, """[1]""", "The body is not a JSON object, which its JSON upcaster needs.")]
    [InlineData(VersionedMessages.CommandV1, """{"number":""", "The body is not valid JSON")]
    public async Task An_old_body_that_cannot_be_read_is_dead_lettered_at_once(string messageType, string body, string reason)
    {
        using var host = await StartAsync(bus => bus.AddVersion2().Endpoint(Queue, e => e.Handle<IssueInvoiceV2, VersionedHandler>().Handle<InvoiceIssuedV2, VersionedHandler>()));

        await SendRawAsync(RawEnvelopes.Create(messageType, body));

        var letter = Assert.Single(await WaitForDeadLettersAsync(host, 1));
        Assert.Contains(reason, letter.Reason, StringComparison.Ordinal);
        Assert.Equal(0, letter.Attempts);
        await host.StopAsync();
    }

    private Task<IHost> StartAsync(Action<SwitchboardBuilder> configure) =>
        TestHost.StartAsync(configure, services => services.AddSingleton(_recorder).AddSingleton(new ConsumerName("test")), _network);

    private async Task SendRawAsync(Switchboard.Messages.Envelope envelope)
    {
        await using var producer = new InMemoryTransport(_network);
        await producer.StartAsync();
        await producer.SendAsync(Queue, envelope);
    }

    private static async Task<IReadOnlyList<DeadLetter>> WaitForDeadLettersAsync(IHost host, int count)
    {
        var deadLetters = host.Services.GetRequiredService<IDeadLetterQueue>();
        await TestHost.WaitUntilAsync(() => deadLetters.CountAsync(Queue).AsTask().Result >= count, $"{count} dead letter(s)");
        return await deadLetters.ListAsync(Queue);
    }
}
