using Switchboard.Conformance.Harness;
using Xunit;

namespace Switchboard.Conformance.Transports;

/// <summary>A published event reaches every subscribed endpoint once, in this bus and in others.</summary>
public abstract class PublishSubscribeSuite<TFactory> : TransportSuite<TFactory>
    where TFactory : ITransportFactory, new()
{
    private static readonly string[] Subscribers = ["audit", "billing", "shipping"];

    /// <summary>Three endpoints of one bus each get every one of 100 events exactly once.</summary>
    [Fact]
    public async Task Every_subscriber_endpoint_of_one_bus_gets_every_event_exactly_once()
    {
        var bus = await StartBusAsync(b => b.Endpoint("audit", Recording()).Endpoint("billing", Recording()).Endpoint("shipping", Recording()));

        for (var i = 0; i < 100; i++)
        {
            await bus.Bus.PublishAsync(new TestEvent(i));
        }

        await Recorder.WaitForCountAsync(300, Patience);
        await Task.Delay(500);
        AssertEachSubscriberGotEveryEventOnce(Recorder.All, 100);
    }

    /// <summary>Three endpoints in three buses each get every one of 100 events exactly once, whoever publishes.</summary>
    [Fact]
    public async Task Every_subscriber_endpoint_across_buses_gets_every_event_exactly_once()
    {
        var buses = new Dictionary<string, RunningBus>(StringComparer.Ordinal);
        foreach (var endpoint in Subscribers)
        {
            buses[endpoint] = await StartBusAsync(b => b.Endpoint(endpoint, Recording()), endpoint + "-process");
        }

        var publisher = await StartBusAsync(_ => { }, "publisher");

        for (var i = 0; i < 100; i++)
        {
            await publisher.Bus.PublishAsync(new TestEvent(i));
        }

        await Recorder.WaitForCountAsync(300, Patience);
        await Task.Delay(500);
        var all = Recorder.All;
        AssertEachSubscriberGotEveryEventOnce(all, 100);
        Assert.All(all, h => Assert.Equal(buses[h.Endpoint].Name, h.Consumer));
    }

    /// <summary>An event published by one bus is handled by an endpoint that only another bus runs.</summary>
    [Fact]
    public async Task A_publish_reaches_an_endpoint_in_another_bus()
    {
        var subscriber = await StartBusAsync(b => b.Endpoint("billing", Recording()), "subscriber");
        var publisher = await StartBusAsync(_ => { }, "publisher");

        await publisher.Bus.PublishAsync(new TestEvent(5));

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestEvent(5), handled.Message);
        Assert.Equal("billing", handled.Endpoint);
        Assert.Equal(subscriber.Name, handled.Consumer);
        Assert.Equal(TestMessageNames.Event, handled.Envelope.MessageType);
        Assert.Equal(1, handled.DeliveryCount);

        await Task.Delay(300);
        Assert.Single(Recorder.All);
    }

    /// <summary>Publishing an event nobody subscribes to succeeds, delivers nothing, and leaves the bus working.</summary>
    [Fact]
    public async Task A_publish_with_no_subscriber_is_not_an_error()
    {
        var bus = await StartBusAsync(b => b.Endpoint("orders", e => e.Handle<TestCommand, RecordingHandler>()));

        await bus.Bus.PublishAsync(new TestEvent(1));
        await bus.Bus.PublishAsync(new FollowUp(2));
        await bus.Bus.SendAsync("orders", new TestCommand(3));

        var handled = Assert.Single(await Recorder.WaitForCountAsync(1, Patience));
        Assert.Equal(new TestCommand(3), handled.Message);
        await Task.Delay(300);
        Assert.Single(Recorder.All);
    }

    private static void AssertEachSubscriberGotEveryEventOnce(IReadOnlyList<Handled> all, int events)
    {
        Assert.Equal(Subscribers.Length * events, all.Count);
        foreach (var endpoint in Subscribers)
        {
            var numbers = all.Where(h => h.Endpoint == endpoint).Select(h => Assert.IsType<TestEvent>(h.Message).Number).Order();
            Assert.Equal(Enumerable.Range(0, events), numbers);
        }
    }
}
