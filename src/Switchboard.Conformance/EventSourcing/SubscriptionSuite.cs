using System.Diagnostics.Metrics;
using Switchboard.EventSourcing;
using Switchboard.EventSourcing.Subscriptions;
using Xunit;

namespace Switchboard.Conformance.EventSourcing;

/// <summary>
/// Subscriptions on an event store: catch up from the checkpoint, follow live appends (also by another store
/// instance), keep the checkpoint durable, never skip a failing batch, filter, report lag.
/// </summary>
public abstract class SubscriptionSuite<TFactory> : EventSourcingSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    // A subscription on the store's events with its checkpoints in the same store.
    private static EventSubscription NewSubscription(IEventStore store, SubscriptionOptions options, IEventBatchHandler handler) =>
        new(store, Checkpoints(store), options, handler);

    private static SubscriptionOptions Options(string name) => new(name) { BatchSize = 50, MaxWait = TimeSpan.FromMilliseconds(200), CheckpointInterval = TimeSpan.FromMilliseconds(100), FirstRetryDelay = TimeSpan.FromMilliseconds(20), MaxRetryDelay = TimeSpan.FromMilliseconds(100) };

    /// <summary>Events stored before the start are caught up, then appends by another store instance arrive live, in global order.</summary>
    [Fact]
    public async Task Catches_up_then_follows_live_appends_of_another_instance()
    {
        var writer = await OpenStoreAsync();
        var reader = await OpenStoreAsync();
        for (var stream = 0; stream < 5; stream++)
        {
            await AppendCountedAsync(writer, $"tally-{stream}", 40);
        }

        var handler = new RecordingBatchHandler();
        var subscription = Track(NewSubscription(reader, Options("catch-up"), handler));
        await subscription.StartAsync();
        await WaitForAsync(() => ValueTask.FromResult(handler.Seen.Count == 200), () => $"200 events caught up, seen {handler.Seen.Count}");

        var last = await AppendCountedAsync(writer, "tally-live", 30);
        await subscription.WaitForPositionAsync(last.Position).WaitAsync(Patience);

        var all = await ReadEverythingAsync(writer);
        Assert.Equal(all.Select(e => e.EventId), handler.Seen.Select(e => e.EventId));
        Assert.Equal(0, subscription.Lag);
    }

    /// <summary>A stopped subscription saved its checkpoint; a new one under the same name (on another instance) continues after it.</summary>
    [Fact]
    public async Task Restarts_from_its_saved_checkpoint()
    {
        var store = await OpenStoreAsync();
        await AppendCountedAsync(store, "tally-a", 60);
        var first = new RecordingBatchHandler();
        var subscription = NewSubscription(store, Options("restart"), first);
        await subscription.StartAsync();
        await WaitForAsync(() => ValueTask.FromResult(first.Seen.Count == 60), () => "the first 60 events");
        await subscription.DisposeAsync();
        Assert.Equal(subscription.Position, await Checkpoints(store).LoadCheckpointAsync("restart"));

        await AppendCountedAsync(store, "tally-b", 25);
        var second = new RecordingBatchHandler();
        var again = Track(NewSubscription(await OpenStoreAsync(), Options("restart"), second));
        await again.StartAsync();
        await WaitForAsync(() => ValueTask.FromResult(second.Seen.Count >= 25), () => "the 25 new events");
        await Task.Delay(300);

        Assert.Equal(25, second.Seen.Count);
        Assert.All(second.Seen, e => Assert.Equal("tally-b", e.StreamId));
    }

    /// <summary>A batch that throws is handed over again after a back-off until it succeeds; nothing after it is handled first.</summary>
    [Fact]
    public async Task Retries_a_failing_batch_and_never_skips_it()
    {
        var store = await OpenStoreAsync();
        await AppendCountedAsync(store, "tally-a", 30);
        var handler = new RecordingBatchHandler();
        handler.FailNext(3, e => e.StreamVersion == 17);
        var subscription = Track(NewSubscription(store, Options("retrying") with { BatchSize = 10 }, handler));
        await subscription.StartAsync();
        await WaitForAsync(() => ValueTask.FromResult(handler.Seen.Any(e => e.StreamVersion == 30)), () => "all 30 events handled");

        Assert.Equal(3, handler.Failures);
        var handledOnce = handler.Seen.GroupBy(e => e.StreamVersion).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Enumerable.Range(1, 30).Select(v => (long)v), handledOnce.Keys.Order());
        Assert.Equal(4, handledOnce[17]);
        Assert.Equal(1, handledOnce[30]);
    }

    /// <summary>A category filter hands over only that category, and the checkpoint still moves past the other events.</summary>
    [Fact]
    public async Task A_filtered_subscription_gets_only_its_events_and_its_checkpoint_passes_the_others()
    {
        var store = await OpenStoreAsync();
        await AppendCountedAsync(store, "tally-1", 20);
        await store.AppendAsync("label-1", ExpectedVersion.Any, [Types.ToEventData(new Renamed("x"))]);
        var last = await AppendCountedAsync(store, "other-1", 20);
        await store.AppendAsync("label-2", ExpectedVersion.Any, [Types.ToEventData(new Renamed("y"))]);
        var end = await AppendCountedAsync(store, "other-2", 5);

        var handler = new RecordingBatchHandler();
        var subscription = Track(NewSubscription(store, Options("labels") with { Filter = EventFilter.ForCategories("label") }, handler));
        await subscription.StartAsync();
        await subscription.WaitForPositionAsync(end.Position).WaitAsync(Patience);

        Assert.Equal(["label-1", "label-2"], handler.Seen.Select(e => e.StreamId));
        Assert.True(last.Position < end.Position);
        await WaitForAsync(async () => await Checkpoints(store).LoadCheckpointAsync("labels") >= end.Position, () => "the checkpoint to pass the filtered-out events");
    }

    /// <summary>Without a checkpoint and starting from the end, only events appended after the start arrive.</summary>
    [Fact]
    public async Task Starting_from_the_end_skips_history()
    {
        var store = await OpenStoreAsync();
        await AppendCountedAsync(store, "tally-old", 10);
        var handler = new RecordingBatchHandler();
        var subscription = Track(NewSubscription(store, Options("from-end") with { StartFrom = SubscriptionStart.End }, handler));
        await subscription.StartAsync();
        var last = await AppendCountedAsync(store, "tally-new", 3);
        await subscription.WaitForPositionAsync(last.Position).WaitAsync(Patience);

        Assert.Equal(["tally-new", "tally-new", "tally-new"], handler.Seen.Select(e => e.StreamId));
    }

    /// <summary>A subscription that started from the end keeps that start: stopped before any event and started again, it gets what was appended meanwhile.</summary>
    [Fact]
    public async Task Starting_from_the_end_is_remembered_across_a_restart()
    {
        var store = await OpenStoreAsync();
        await AppendCountedAsync(store, "tally-old", 5);
        var first = NewSubscription(store, Options("from-end-restart") with { StartFrom = SubscriptionStart.End }, new RecordingBatchHandler());
        await first.StartAsync();
        await WaitForAsync(async () => await Checkpoints(store).LoadCheckpointAsync("from-end-restart") is not null, "the start position to be saved");
        await first.DisposeAsync();

        var last = await AppendCountedAsync(store, "tally-meanwhile", 3);
        var handler = new RecordingBatchHandler();
        var again = Track(NewSubscription(store, Options("from-end-restart") with { StartFrom = SubscriptionStart.End }, handler));
        await again.StartAsync();
        await again.WaitForPositionAsync(last.Position).WaitAsync(Patience);

        Assert.Equal(["tally-meanwhile", "tally-meanwhile", "tally-meanwhile"], handler.Seen.Select(e => e.StreamId));
    }

    /// <summary>The lag (property and gauge) is above zero while events wait, and zero once caught up.</summary>
    [Fact]
    public async Task Reports_its_lag_while_behind_and_none_when_caught_up()
    {
        var store = await OpenStoreAsync();
        for (var batch = 0; batch < 20; batch++)
        {
            await store.AppendAsync("tally-bulk", ExpectedVersion.Any, Enumerable.Range(0, 100).Select(_ => Types.ToEventData(new Counted(1))).ToList());
        }

        var measured = new List<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Name == "switchboard.subscription.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "switchboard.subscription" && (string?)tag.Value == "laggard")
                {
                    lock (measured)
                    {
                        measured.Add(value);
                    }
                }
            }
        });
        listener.Start();

        var handler = new RecordingBatchHandler { Delay = TimeSpan.FromMilliseconds(25) };
        var subscription = Track(NewSubscription(store, Options("laggard") with { BatchSize = 20 }, handler));
        await subscription.StartAsync();
        var sawLag = false;
        await WaitForAsync(() =>
        {
            listener.RecordObservableInstruments();
            sawLag |= subscription.Lag > 0;
            return ValueTask.FromResult(handler.Seen.Count == 2000);
        }, () => $"2000 events, seen {handler.Seen.Count}");
        await WaitForAsync(() => ValueTask.FromResult(subscription.Lag == 0), () => "the lag to drop to 0");
        listener.RecordObservableInstruments();

        Assert.True(sawLag, "the subscription never reported a lag while 2000 events were behind it");
        lock (measured)
        {
            Assert.Contains(measured, v => v > 0);
            Assert.Equal(0, measured[^1]);
        }
    }
}
