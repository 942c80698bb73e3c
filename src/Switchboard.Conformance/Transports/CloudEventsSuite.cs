using System.Text;
using Switchboard.CloudEvents;
using Switchboard.Conformance.Harness;
using Switchboard.Messages;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>
/// CloudEvents over the transport: what a bus writes in each <see cref="WireFormat"/> is handled as the same message;
/// a CloudEvent from a producer that knows nothing of Switchboard (only the CloudEvents attributes, in either content
/// mode) is handled; an invalid one is dead-lettered with the reason and the endpoint keeps flowing.
/// </summary>
public abstract class CloudEventsSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private const string Queue = "intake";
    private const string Source = "/conformance/producer";

    /// <summary>A command sent and an event published in each format are handled with their id, correlation and body.</summary>
    [Theory]
    [InlineData(WireFormat.CloudEventsBinary)]
    [InlineData(WireFormat.CloudEventsStructured)]
    [InlineData(WireFormat.Native)]
    public async Task What_a_bus_writes_in_each_format_is_handled_as_the_same_message(WireFormat format)
    {
        var bus = await StartBusAsync(b => b.Configure(o => o with { WireFormat = format, CloudEventsSource = Source }).Endpoint(Queue, Recording()));

        await bus.Bus.SendAsync(new TestCommand(1, "sent"), new SendOptions { Destination = Queue, MessageId = "command-1", CorrelationId = "conversation-1" });
        await bus.Bus.PublishAsync(new TestEvent(2), new PublishOptions { MessageId = "event-2", CorrelationId = "conversation-2" });

        var handled = await Recorder.WaitForCountAsync(2, Patience);
        var command = Assert.Single(handled, h => h.Message is TestCommand);
        Assert.Equal(new TestCommand(1, "sent"), command.Message);
        Assert.Equal(("command-1", "conversation-1", TestMessageNames.Command), (command.Envelope.MessageId, command.Envelope.CorrelationId, command.Envelope.MessageType));
        var published = Assert.Single(handled, h => h.Message is TestEvent);
        Assert.Equal(new TestEvent(2), published.Message);
        Assert.Equal(("event-2", "conversation-2"), (published.Envelope.MessageId, published.Envelope.CorrelationId));
        foreach (var envelope in handled.Select(h => h.Envelope))
        {
            Assert.Equal(format == WireFormat.Native ? null : Source, envelope.Headers.GetValueOrDefault(CloudEventsHeaders.Source));
        }
    }

    /// <summary>A binary-mode CloudEvent with no envelope fields of its own (another SDK's) is handled under its attributes.</summary>
    [Fact]
    public async Task A_binary_CloudEvent_from_another_producer_is_handled()
    {
        await StartBusAsync(b => b.Endpoint(Queue, Recording()));

        await Scope.SendRawAsync(Queue, new Envelope
        {
            MessageId = "",
            MessageType = "",
            ContentType = "application/json",
            Headers = new Dictionary<string, string>
            {
                [CloudEventsHeaders.SpecVersion] = "1.0",
                [CloudEventsHeaders.Id] = "foreign-1",
                [CloudEventsHeaders.Source] = "/elsewhere",
                [CloudEventsHeaders.Type] = TestMessageNames.Command,
                [CloudEventsHeaders.CorrelationId] = "foreign-conversation",
            },
            Body = Encoding.UTF8.GetBytes("""{"number":3,"text":"binary"}"""),
        });

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestCommand(3, "binary"), handled.Message);
        Assert.Equal(("foreign-1", "foreign-conversation"), (handled.Envelope.MessageId, handled.Envelope.CorrelationId));
        Assert.Equal("/elsewhere", handled.Envelope.Headers[CloudEventsHeaders.Source]);
    }

    /// <summary>A structured-mode CloudEvent from another producer is handled; its data is the message.</summary>
    [Fact]
    public async Task A_structured_CloudEvent_from_another_producer_is_handled()
    {
        await StartBusAsync(b => b.Endpoint(Queue, Recording()));

        await Scope.SendRawAsync(Queue, Structured($$$"""
            {"specversion":"1.0","id":"foreign-2","source":"/elsewhere","type":"{{{TestMessageNames.Command}}}","data":{"number":4,"text":"structured"}}
            """));

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestCommand(4, "structured"), handled.Message);
        Assert.Equal("foreign-2", handled.Envelope.MessageId);
        Assert.Equal("/elsewhere", handled.Envelope.Headers[CloudEventsHeaders.Source]);
    }

    /// <summary>An invalid CloudEvent is dead-lettered with the reason, never handled, and the endpoint keeps flowing.</summary>
    [Fact]
    public async Task An_invalid_CloudEvent_is_dead_lettered_with_the_reason()
    {
        var bus = await StartBusAsync(b => b.Endpoint(Queue, Recording()));

        await Scope.SendRawAsync(Queue, Structured($$$"""
            {"specversion":"1.0","id":"foreign-3","type":"{{{TestMessageNames.Command}}}","data":{"number":5}}
            """) with { MessageId = "foreign-3" });

        var letter = Assert.Single(await WaitForDeadLettersAsync(bus.DeadLetters, Queue, 1));
        Assert.Contains("missing required attributes: source", letter.Reason, StringComparison.Ordinal);
        Assert.Empty(Recorder.All);
        await bus.Bus.SendAsync(Queue, new TestCommand(6));
        Assert.Equal(new TestCommand(6), Assert.Single(await Recorder.WaitForCountAsync(1, Patience)).Message);
    }

    private static Envelope Structured(string json) => new()
    {
        MessageId = "",
        MessageType = "",
        ContentType = "application/cloudevents+json; charset=utf-8",
        Body = Encoding.UTF8.GetBytes(json),
    };
}
