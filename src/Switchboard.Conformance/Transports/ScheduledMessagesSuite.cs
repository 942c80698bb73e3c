using Switchboard.Messages;
using Switchboard.Conformance.Harness;
using Switchboard.Transport;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>
/// For a transport that implements <see cref="IScheduledMessages"/> (a saga's pending timeouts are read from it): the
/// messages of a queue that are not due yet, soonest first, intact, and nothing that is due.
/// </summary>
public abstract class ScheduledMessagesSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private const string Queue = "scheduled";

    /// <summary>Two messages for later are listed soonest first with their headers and due times; one due now is not.</summary>
    [Fact]
    public async Task The_messages_not_due_yet_are_listed_soonest_first_and_intact()
    {
        await using var transport = Scope.CreateTransport();
        await transport.StartAsync();
        var scheduled = Assert.IsAssignableFrom<IScheduledMessages>(transport);
        await transport.DeclareEndpointAsync(new EndpointDeclaration(Queue, []));
        var now = DateTimeOffset.UtcNow;
        var later = RawEnvelopes.Command(2) with { Headers = new Dictionary<string, string> { [HeaderNames.Saga] = "timer", [HeaderNames.SagaKey] = "k-2" } };
        var latest = RawEnvelopes.Command(3);
        await transport.SendAsync(Queue, RawEnvelopes.Command(1));
        await transport.SendAsync(Queue, latest, now.AddHours(2));
        await transport.SendAsync(Queue, later, now.AddHours(1));

        var listed = await scheduled.ListScheduledAsync(Queue, 10);

        Assert.Equal([later.MessageId, latest.MessageId], listed.Select(m => m.Envelope.MessageId));
        Assert.Equal("k-2", listed[0].Envelope.Headers[HeaderNames.SagaKey]);
        Assert.Equal(later.Body.ToArray(), listed[0].Envelope.Body.ToArray());
        Assert.InRange(listed[0].DueAt, now.AddHours(1).AddSeconds(-1), now.AddHours(1).AddSeconds(1));
        Assert.True(listed[0].DueAt < listed[1].DueAt);
        Assert.Single(await scheduled.ListScheduledAsync(Queue, 1));
        Assert.Empty(await scheduled.ListScheduledAsync("no-such-queue", 10));
    }
}
