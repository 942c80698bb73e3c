using System.Diagnostics.Metrics;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.Diagnostics;
using Switchboard.InMemory;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Tests.Hosting;

namespace Switchboard.Tests.Persistence;

/// <summary>The relay through a running bus: what a crash left in the outbox goes out; what cannot is quarantined without holding up the rest.</summary>
public sealed class OutboxRelayTests
{
    [Fact]
    public async Task A_message_that_cannot_be_dispatched_is_retried_then_quarantined_while_the_others_go_out()
    {
        var store = new InMemoryMessageStore();
        await using (var transaction = await store.BeginAsync())
        {
            // Committed but never dispatched, as after a crash: one to a queue nobody declared, then good ones.
            await transaction.EnlistAsync([Outgoing("nowhere", 0), Outgoing("ping", 1), Outgoing("ping", 2)]);
            await transaction.CommitAsync();
        }

        var oldestPendingAges = new List<double>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == SwitchboardDiagnostics.Name && instrument.Name == "switchboard.outbox.oldest_pending_age")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<double>((_, value, _, _) =>
        {
            lock (oldestPendingAges)
            {
                oldestPendingAges.Add(value);
            }
        });
        listener.Start();

        var seen = new Seen();
        var options = new StoreOptions
        {
            RelayInterval = TimeSpan.FromMilliseconds(20),
            DispatchGrace = TimeSpan.FromMilliseconds(300),
            MaxDispatchAttempts = 3,
            FirstRetryDelay = TimeSpan.FromMilliseconds(10),
        };
        using var host = await TestHost.StartAsync(
            bus => bus.Message<Ping>("tests.ping.v1").UseInMemoryStore(store, options).Endpoint("ping", e => e.Handle<Ping, FirstPingHandler>()),
            services => services.AddSingleton(seen));

        // Within the grace the messages count as pending, and the gauge says how old the oldest is.
        await TestHost.WaitUntilAsync(() => { listener.RecordObservableInstruments(); lock (oldestPendingAges) { return oldestPendingAges.Exists(a => a > 0); } }, "a pending age");

        await TestHost.WaitUntilAsync(() => seen.Entries.Count == 2, "the two good messages");
        await TestHost.WaitUntilAsync(() => store.ListQuarantinedAsync(10).AsTask().Result.Count == 1, "the bad message quarantined");
        var quarantined = Assert.Single(await store.ListQuarantinedAsync(10));
        Assert.Equal("nowhere", quarantined.Message.Destination);
        Assert.Equal(3, quarantined.Attempts);
        Assert.Contains("UnroutableMessageException", quarantined.LastError);
        var statistics = await store.GetStatisticsAsync();
        Assert.Equal(0, statistics.Pending);
        Assert.Equal(1, statistics.Quarantined);

        // Released by an operator (after declaring the queue, say), it is due again.
        Assert.Equal(1, await store.ReleaseQuarantinedAsync());
        Assert.Equal(1, (await store.GetStatisticsAsync()).Pending);
        await host.StopAsync();
    }

    private static OutgoingMessage Outgoing(string queue, int number) => new(
        OutgoingKind.Send,
        queue,
        new Envelope
        {
            MessageId = MessageIds.New(),
            MessageType = "tests.ping.v1",
            SentAt = DateTimeOffset.UtcNow,
            ContentType = "application/json",
            Body = Encoding.UTF8.GetBytes($$"""{"number":{{number}}}"""),
        },
        null);
}
