using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Configuration;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Hosting;
using Switchboard.EventSourcing.Subscriptions;
using Switchboard.InMemory;
using Switchboard.Conformance.EventSourcing;

namespace Switchboard.Tests.EventSourcing;

public sealed class ForwardingTests
{
    private static readonly EventTypeMap Types = new EventTypeMap().Map<Counted>("counted").Map<Renamed>("renamed");

    [Fact]
    public async Task Appended_events_reach_subscribers_on_the_bus_once_with_their_ids_and_correlation()
    {
        var store = new InMemoryEventStore();
        var received = new ConcurrentQueue<(Counted Message, string MessageId, string? CorrelationId, string? Causation)>();
        using var host = await StartForwardingAsync(store, services => services.AddSingleton(received));

        var metadata = new EventMetadata { CorrelationId = "conversation-1", CausationId = "command-1" };
        var appended = new List<EventData>();
        for (var index = 1; index <= 20; index++)
        {
            var data = Types.ToEventData(new Counted(index), metadata: metadata);
            appended.Add(data);
            await store.AppendAsync($"tally-{index % 3}", ExpectedVersion.Any, [data]);
        }

        await TestHost.WaitUntilAsync(() => received.Count >= 20, "20 forwarded events");
        await Task.Delay(300);

        Assert.Equal(appended.Select(e => e.EventId).Order(), received.Select(r => r.MessageId).Order());
        Assert.All(received, r => Assert.Equal("conversation-1", r.CorrelationId));
        Assert.All(received, r => Assert.Equal("command-1", r.Causation));
        var runtime = host.Services.GetRequiredService<EventSourcingRuntime>();
        await TestHost.WaitUntilAsync(() => runtime.Subscription("forward-to-bus").Position == store.ReadAllAsync(0, 1000).AsTask().Result.NextPosition, "the forwarder's checkpoint");
    }

    [Fact]
    public async Task The_checkpoint_moves_only_after_the_bus_took_the_events_and_a_failed_publish_is_retried()
    {
        var store = new InMemoryEventStore();
        for (var index = 1; index <= 30; index++)
        {
            await store.AppendAsync($"tally-{index % 4}", ExpectedVersion.Any, [Types.ToEventData(new Counted(index))]);
        }

        var bus = new FlakyBus(failOnPublishNumber: 12);
        var options = new SubscriptionOptions("forward") { BatchSize = 10, FirstRetryDelay = TimeSpan.FromMilliseconds(10), MaxRetryDelay = TimeSpan.FromMilliseconds(50) };
        await using var subscription = new EventSubscription(store, store, options, new BusForwarder(bus, Types, NullLogger<BusForwarder>.Instance));
        await subscription.StartAsync();
        await TestHost.WaitUntilAsync(() => bus.Published.Select(p => p.MessageId).Distinct().Count() == 30, "every event published");
        await subscription.StopAsync();

        Assert.True(bus.Failed);
        var all = (await store.ReadAllAsync(0, 100)).Events;
        Assert.Equal(all[^1].Position, await store.LoadCheckpointAsync("forward"));

        // Per stream, the first publish of each event follows stream order.
        foreach (var stream in all.GroupBy(e => e.StreamId))
        {
            var firstPublishes = bus.Published.Select(p => p.MessageId).Distinct().Where(id => stream.Any(e => e.EventId == id));
            Assert.Equal(stream.Select(e => e.EventId), firstPublishes);
        }
    }

    [Fact]
    public async Task A_forwarded_event_continues_the_trace_it_was_appended_in()
    {
        var store = new InMemoryEventStore();
        var traces = new ConcurrentQueue<string?>();
        using var host = await StartForwardingAsync(store, services => services.AddSingleton(new ConcurrentQueue<(Counted, string, string?, string?)>()).AddSingleton(traces));

        var appendedIn = ActivityTraceId.CreateRandom();
        var traceParent = $"00-{appendedIn}-{ActivitySpanId.CreateRandom()}-01";
        // One stream: the untraced event is published right after the traced one, in the same task, so a trace that
        // leaked from one publish to the next would show.
        await store.AppendAsync("tally-1", ExpectedVersion.Any, [Types.ToEventData(new Counted(1), metadata: new EventMetadata { TraceParent = traceParent }), Types.ToEventData(new Counted(2))]);

        await TestHost.WaitUntilAsync(() => traces.Count >= 2, "both forwarded events");
        var traced = Assert.Single(traces, t => t is not null && ActivityContext.Parse(t, null).TraceId == appendedIn);
        Assert.NotEqual(traceParent, traced);
    }

    // A bus whose endpoint tally-view records what it receives, forwarding the store's events to itself.
    private static Task<IHost> StartForwardingAsync(InMemoryEventStore store, Action<IServiceCollection> services) =>
        TestHost.StartAsync(
            bus => bus
                .Message<Counted>("counted")
                .Endpoint("tally-view", e => e.Handle<Counted, CountedRecorder>())
                .UseInMemoryEventStore(store)
                .EventSourcing(es => es
                    .Event<Counted>("counted")
                    .ForwardToBus(configure: o => o with { MaxWait = TimeSpan.FromMilliseconds(100) })),
            services);

    internal sealed class CountedRecorder(ConcurrentQueue<(Counted Message, string MessageId, string? CorrelationId, string? Causation)> received, IServiceProvider services) : IMessageHandler<Counted>
    {
        public ValueTask HandleAsync(Counted message, IMessageContext context, CancellationToken cancellationToken)
        {
            services.GetService<ConcurrentQueue<string?>>()?.Enqueue(context.Envelope.TraceParent);
            // The envelope's causation id and the header agree: both are the event's causation.
            var header = context.Headers.GetValueOrDefault(BusForwarder.CausationHeader);
            received.Enqueue((message, context.MessageId, context.CorrelationId, header == context.Envelope.CausationId ? header : $"header {header}, envelope {context.Envelope.CausationId}"));
            return ValueTask.CompletedTask;
        }
    }

    private sealed class FlakyBus(int failOnPublishNumber) : IBus
    {
        private int _publishes;

        public ConcurrentQueue<PublishOptions> Published { get; } = new();

        public bool Failed { get; private set; }

        public ValueTask SendAsync<TMessage>(TMessage message, SendOptions? options = null, CancellationToken cancellationToken = default)
            where TMessage : notnull => throw new NotSupportedException();

        public ValueTask PublishAsync<TMessage>(TMessage message, PublishOptions? options = null, CancellationToken cancellationToken = default)
            where TMessage : notnull
        {
            if (Interlocked.Increment(ref _publishes) == failOnPublishNumber)
            {
                Failed = true;
                throw new InvalidOperationException("The broker is unavailable.");
            }

            Published.Enqueue(options!);
            return ValueTask.CompletedTask;
        }
    }
}
