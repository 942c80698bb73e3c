using System.Diagnostics;
using Switchboard.Diagnostics;
using Switchboard.Conformance.Harness;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>Custom headers, message and correlation ids, and the trace context cross the transport unchanged.</summary>
public abstract class HeadersSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private static readonly Dictionary<string, string> CustomHeaders = new(StringComparer.Ordinal)
    {
        ["x-tenant"] = "acme",
        ["x-unicode"] = "Grüße, 世界 — ünïcödé 🚀",
        ["x-punctuation"] = "a=1; b=\"two\", c='3' {json: [1, 2]} \\ / ?&",
        ["x-spaces"] = "  padded value  ",
        ["x-number"] = "42",
    };

    /// <summary>Headers given to a send arrive unchanged, unicode included.</summary>
    [Fact]
    public async Task Custom_headers_of_a_send_round_trip_unchanged()
    {
        var bus = await StartBusAsync(b => b.Endpoint("orders", Recording()));

        await bus.Bus.SendAsync(new TestCommand(1), new SendOptions { Destination = "orders", Headers = CustomHeaders });

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        AssertCarriesCustomHeaders(handled);
    }

    /// <summary>Headers given to a publish arrive unchanged at every subscriber, unicode included.</summary>
    [Fact]
    public async Task Custom_headers_of_a_publish_round_trip_unchanged()
    {
        var bus = await StartBusAsync(b => b.Endpoint("audit", Recording()).Endpoint("billing", Recording()));

        await bus.Bus.PublishAsync(new TestEvent(2), new PublishOptions { Headers = CustomHeaders });

        var all = await Recorder.WaitForCountAsync(2, Patience);
        Assert.Equal(["audit", "billing"], all.Select(h => h.Endpoint).Order(StringComparer.Ordinal));
        Assert.All(all, AssertCarriesCustomHeaders);
    }

    /// <summary>Headers are taken when the message is sent: changing the caller's dictionary afterwards changes nothing.</summary>
    [Fact]
    public async Task Headers_are_captured_when_the_message_is_sent()
    {
        var changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Behavior.Before = async (_, _, ct) => await changed.Task.WaitAsync(ct);
        var bus = await StartBusAsync(b => b.Endpoint("orders", Recording()));
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["x-tenant"] = "acme" };

        await bus.Bus.SendAsync(new TestCommand(6), new SendOptions { Destination = "orders", Headers = headers });
        headers["x-tenant"] = "changed after sending";
        headers["x-added"] = "added after sending";
        changed.SetResult();

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal("acme", handled.Envelope.Headers["x-tenant"]);
        Assert.False(handled.Envelope.Headers.ContainsKey("x-added"), "A header added to the caller's dictionary after sending reached the handler.");
    }

    /// <summary>An explicit message id and correlation id arrive as given, on sends and publishes.</summary>
    [Fact]
    public async Task An_explicit_message_id_and_correlation_id_round_trip()
    {
        var bus = await StartBusAsync(b => b.Endpoint("orders", Recording()));
        var sendId = "send-" + Guid.NewGuid();
        var publishId = "publish-" + Guid.NewGuid();

        await bus.Bus.SendAsync(new TestCommand(3), new SendOptions { Destination = "orders", MessageId = sendId, CorrelationId = "conversation-ß-1" });
        await bus.Bus.PublishAsync(new TestEvent(4), new PublishOptions { MessageId = publishId, CorrelationId = "conversation-ß-2" });

        var all = await Recorder.WaitForCountAsync(2, Patience);
        var sent = Assert.Single(all, h => h.Message is TestCommand);
        var published = Assert.Single(all, h => h.Message is TestEvent);
        Assert.Equal(sendId, sent.Envelope.MessageId);
        Assert.Equal("conversation-ß-1", sent.Envelope.CorrelationId);
        Assert.Equal(publishId, published.Envelope.MessageId);
        Assert.Equal("conversation-ß-2", published.Envelope.CorrelationId);
    }

    /// <summary>A message sent inside an activity carries a traceparent of the same trace.</summary>
    [Fact]
    public async Task The_traceparent_of_the_sending_activity_arrives()
    {
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == SwitchboardDiagnostics.Name,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        var bus = await StartBusAsync(b => b.Endpoint("orders", Recording()));

        ActivityTraceId traceId;
        using (var parent = new Activity("conformance-parent").SetIdFormat(ActivityIdFormat.W3C).Start())
        {
            traceId = parent.TraceId;
            await bus.Bus.SendAsync("orders", new TestCommand(5));
        }

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.NotNull(handled.Envelope.TraceParent);
        Assert.Contains(traceId.ToHexString(), handled.Envelope.TraceParent, StringComparison.Ordinal);
    }

    private static void AssertCarriesCustomHeaders(Handled handled)
    {
        foreach (var (name, value) in CustomHeaders)
        {
            Assert.True(handled.Envelope.Headers.TryGetValue(name, out var actual), $"Header '{name}' is missing at {handled.Endpoint}.");
            Assert.Equal(value, actual);
        }
    }
}
