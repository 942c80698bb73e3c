using Switchboard.Conformance.Harness;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>A sent command reaches its endpoint once, with its envelope intact.</summary>
public abstract class SendReceiveSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    /// <summary>Send by configured route: handled once, delivery count 1, envelope fields set.</summary>
    [Fact]
    public async Task A_sent_command_is_handled_once_with_its_envelope()
    {
        var bus = await StartBusAsync(b => b.Route<TestCommand>("orders").Endpoint("orders", Recording()));

        var before = DateTimeOffset.UtcNow;
        await bus.Bus.SendAsync(new TestCommand(7, "seven"));

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestCommand(7, "seven"), handled.Message);
        Assert.Equal("orders", handled.Endpoint);
        Assert.Equal(1, handled.DeliveryCount);
        Assert.Equal(TestMessageNames.Command, handled.Envelope.MessageType);
        Assert.False(string.IsNullOrEmpty(handled.Envelope.MessageId));
        Assert.Equal(handled.Envelope.MessageId, handled.Envelope.CorrelationId);
        Assert.Null(handled.Envelope.CausationId);
        Assert.Equal("application/json", handled.Envelope.ContentType);
        Assert.InRange(handled.Envelope.SentAt, before.AddSeconds(-5), DateTimeOffset.UtcNow.AddSeconds(5));

        await Task.Delay(200);
        Assert.Single(Recorder.All);
    }

    /// <summary>An explicit destination wins over routing; many sends all arrive.</summary>
    [Fact]
    public async Task Sends_to_an_explicit_destination_all_arrive()
    {
        var bus = await StartBusAsync(b => b.Endpoint("a", Recording()).Endpoint("b", Recording()));

        for (var i = 0; i < 100; i++)
        {
            await bus.Bus.SendAsync(i % 2 == 0 ? "a" : "b", new TestCommand(i));
        }

        var all = await Recorder.WaitForCountAsync(100, Patience);
        Assert.Equal(Enumerable.Range(0, 100), all.Select(h => ((TestCommand)h.Message).Number).Order());
        Assert.All(all, h => Assert.Equal(((TestCommand)h.Message).Number % 2 == 0 ? "a" : "b", h.Endpoint));
    }

    /// <summary>Inside a handler, sends inherit the correlation id and name the handled message as their cause.</summary>
    [Fact]
    public async Task A_send_inside_a_handler_inherits_correlation_and_sets_causation()
    {
        Behavior.Before = async (message, context, ct) =>
        {
            if (message is TestCommand command)
            {
                await context.SendAsync(new FollowUp(command.Number), SendOptions.To("follow-ups"), ct);
            }
        };
        var bus = await StartBusAsync(b => b.Endpoint("orders", Recording()).Endpoint("follow-ups", Recording()));

        await bus.Bus.SendAsync(new TestCommand(1), new SendOptions { Destination = "orders", CorrelationId = "conversation-1" });

        var all = await Recorder.WaitForCountAsync(2, Patience);
        var first = Assert.Single(all, h => h.Message is TestCommand);
        var followUp = Assert.Single(all, h => h.Message is FollowUp);
        Assert.Equal("conversation-1", first.Envelope.CorrelationId);
        Assert.Equal("conversation-1", followUp.Envelope.CorrelationId);
        Assert.Equal(first.Envelope.MessageId, followUp.Envelope.CausationId);
        Assert.NotEqual(first.Envelope.MessageId, followUp.Envelope.MessageId);
    }

    /// <summary>A handler that fails sends nothing: its held messages are discarded with the failed attempt.</summary>
    [Fact]
    public async Task A_failed_attempt_dispatches_none_of_its_sends()
    {
        var attempts = 0;
        Behavior.Before = async (message, context, ct) =>
        {
            if (message is TestCommand command)
            {
                await context.SendAsync(new FollowUp(command.Number), SendOptions.To("follow-ups"), ct);
                if (Interlocked.Increment(ref attempts) < 3)
                {
                    throw new InvalidOperationException("transient");
                }
            }
        };
        var bus = await StartBusAsync(b => b.Endpoint("orders", Recording(FastRetries)).Endpoint("follow-ups", Recording()));

        await bus.Bus.SendAsync("orders", new TestCommand(5));

        await Recorder.WaitForCountAsync(2, Patience);
        await Task.Delay(300);
        Assert.Single(Recorder.All, h => h.Message is FollowUp);
        Assert.Equal(3, attempts);
    }

    /// <summary>A command for a queue that no endpoint declared is an error to the sender.</summary>
    [Fact]
    public async Task A_send_to_an_undeclared_queue_throws()
    {
        var bus = await StartBusAsync(b => b.Endpoint("orders", Recording()));

        await Assert.ThrowsAsync<Switchboard.Transport.UnroutableMessageException>(() => bus.Bus.SendAsync("nobody-home", new TestCommand(1)).AsTask());
    }

    /// <summary>A scheduled command for a queue that no endpoint declared fails when scheduled, not silently later.</summary>
    [Fact]
    public async Task A_scheduled_send_to_an_undeclared_queue_throws_at_once()
    {
        var bus = await StartBusAsync(b => b.Endpoint("orders", Recording()));

        await Assert.ThrowsAsync<Switchboard.Transport.UnroutableMessageException>(() =>
            bus.Bus.ScheduleSendAsync(new TestCommand(1), TimeSpan.FromSeconds(5), "nobody-home").AsTask());
    }
}
