using System.Collections.Concurrent;
using Switchboard.EventSourcing;
using Xunit;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// Appends at once from several store instances: one winner per expected version, dense versions with
/// <see cref="ExpectedVersion.Any"/>, and a live subscriber on another instance that sees every event of many
/// writers on many streams exactly once, in position order.
/// </summary>
public abstract class ConcurrentAppendSuite<TFactory> : EventStoreSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    private const int Writers = 8;

    /// <summary>
    /// Eight writers append to one stream with the same expected version, twenty rounds: each round exactly one
    /// wins and the others get <see cref="WrongExpectedVersionException"/>; the stream ends with twenty events,
    /// versions 1..20, the winners' events.
    /// </summary>
    [Fact]
    public async Task Of_writers_racing_with_the_same_expected_version_exactly_one_wins_each_round()
    {
        var stores = await OpenStoresAsync();
        var stream = NewStreamId();
        var winners = new List<string>();

        for (var round = 0; round < 20; round++)
        {
            var expected = ExpectedVersion.Exact(round);
            var attempts = stores.Select((store, writer) => (Store: store, Event: NewEvent(round * 100 + writer))).ToList();
            var outcomes = await Task.WhenAll(attempts.Select(a => Task.Run(async () =>
            {
                try
                {
                    return (a.Event.EventId, Result: (AppendResult?)await a.Store.AppendAsync(stream, expected, [a.Event]), Error: (Exception?)null);
                }
                catch (Exception e)
                {
                    return (a.Event.EventId, Result: (AppendResult?)null, Error: e);
                }
            })));

            var won = Assert.Single(outcomes, o => o.Error is null);
            Assert.Equal(round + 1, won.Result!.Value.StreamVersion);
            Assert.False(won.Result.Value.AlreadyAppended);
            foreach (var lost in outcomes.Where(o => o.Error is not null))
            {
                var refused = Assert.IsType<WrongExpectedVersionException>(lost.Error);
                Assert.Equal(stream, refused.StreamId);
                Assert.True(refused.ActualVersion is -1 || refused.ActualVersion == round + 1, $"Round {round}: a loser was told the stream is at {refused.ActualVersion}.");
            }

            winners.Add(won.EventId);
        }

        await AssertStreamAsync(stores[0], stream, winners);
        AssertIds(winners, await ReadAllAsync(stores[0]));
    }

    /// <summary>Eight writers append fifty events each to one stream with <see cref="ExpectedVersion.Any"/>: all succeed, versions 1..400 dense, each writer's events in its order.</summary>
    [Fact]
    public async Task Writers_appending_with_Any_to_one_stream_all_succeed_with_dense_versions()
    {
        var stores = await OpenStoresAsync();
        var stream = NewStreamId();
        var results = new ConcurrentBag<(int Writer, int Index, AppendResult Result, string EventId)>();

        await Task.WhenAll(stores.Select((store, writer) => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                var e = NewEvent(writer * 1000 + i);
                results.Add((writer, i, await store.AppendAsync(stream, ExpectedVersion.Any, [e]), e.EventId));
            }
        })));

        var events = await ReadStreamAsync(stores[0], stream);
        Assert.Equal(Enumerable.Range(1, Writers * 50).Select(v => (long)v), events.Select(e => e.StreamVersion));
        Assert.Equal(Writers * 50, await stores[^1].GetStreamVersionAsync(stream));
        AssertStrictlyIncreasingPositions(events);
        Assert.Equal(results.Select(r => r.Result.StreamVersion).Order(), events.Select(e => e.StreamVersion));
        var byId = events.ToDictionary(e => e.EventId);
        foreach (var r in results)
        {
            Assert.False(r.Result.AlreadyAppended);
            Assert.Equal(r.Result.StreamVersion, byId[r.EventId].StreamVersion);
            Assert.Equal(r.Result.Position, byId[r.EventId].Position);
        }

        foreach (var writer in results.GroupBy(r => r.Writer))
        {
            var versions = writer.OrderBy(r => r.Index).Select(r => r.Result.StreamVersion).ToList();
            Assert.Equal(versions.Order(), versions);
        }
    }

    /// <summary>
    /// Eight writers append single events and batches to forty streams (half with <see cref="ExpectedVersion.Any"/>,
    /// half with the exact version read, retrying on conflicts), while a subscriber on another store instance follows
    /// live: it sees every appended event exactly once, in strictly increasing positions, the same sequence as a final
    /// read of all; a subscriber filtered to one category sees exactly that category's part of it; every stream's
    /// versions are dense and hold its appends in order.
    /// </summary>
    [Fact]
    public async Task A_live_subscriber_sees_every_event_of_many_writers_on_many_streams_exactly_once_in_order()
    {
        const int streamCount = 40;
        const int appendsPerWriter = 60;
        var stores = await OpenStoresAsync();
        var subscriber = StartSubscriber(await OpenStoreAsync(), pageSize: 7);
        var filtered = StartSubscriber(await OpenStoreAsync(), filter: EventFilter.ForCategories("c1"), pageSize: 3);
        var streams = Enumerable.Range(0, streamCount).Select(i => NewStreamId($"c{i % 4}")).ToList();
        var appended = new ConcurrentBag<(string Stream, AppendResult Result, IReadOnlyList<EventData> Events)>();

        await Task.WhenAll(stores.Select((store, writer) => Task.Run(async () =>
        {
            for (var i = 0; i < appendsPerWriter; i++)
            {
                var stream = streams[((writer * 7) + (i * 13)) % streamCount];
                var batch = NewEvents(1 + (i % 3), firstNumber: (writer * 1000) + (i * 10));
                var attempts = 0;
                while (true)
                {
                    var expected = writer % 2 == 0 ? ExpectedVersion.Any : ExpectedVersion.Exact(await store.GetStreamVersionAsync(stream));
                    try
                    {
                        appended.Add((stream, await store.AppendAsync(stream, expected, batch), batch));
                        break;
                    }
                    catch (WrongExpectedVersionException) when (++attempts < 1000)
                    {
                        // Another writer appended between reading the version and appending: read it again.
                    }
                }
            }
        })));

        var total = appended.Sum(a => a.Events.Count);
        var inC1 = appended.Where(a => StreamNames.Category(a.Stream) == "c1").Sum(a => a.Events.Count);
        await subscriber.WaitForCountAsync(total, Patience);
        await filtered.WaitForCountAsync(inC1, Patience);
        await Task.Delay(Settle);
        await subscriber.StopAsync();
        await filtered.StopAsync();

        var seen = subscriber.Events;
        Assert.Empty(subscriber.OutOfOrder);
        Assert.Equal(total, seen.Count);
        AssertStrictlyIncreasingPositions(seen);
        Assert.Equal(appended.SelectMany(a => a.Events).Select(e => e.EventId).Order(StringComparer.Ordinal), seen.Select(e => e.EventId).Order(StringComparer.Ordinal));
        var final = await ReadAllAsync(stores[0]);
        Assert.Equal(final.Select(e => (e.EventId, e.Position)), seen.Select(e => (e.EventId, e.Position)));
        Assert.Empty(filtered.OutOfOrder);
        Assert.Equal(final.Where(e => e.Category == "c1").Select(e => (e.EventId, e.Position)), filtered.Events.Select(e => (e.EventId, e.Position)));

        var byId = final.ToDictionary(e => e.EventId);
        foreach (var append in appended)
        {
            Assert.False(append.Result.AlreadyAppended);
            var recorded = append.Events.Select(e => byId[e.EventId]).ToList();
            Assert.All(recorded, r => Assert.Equal(append.Stream, r.StreamId));
            Assert.Equal(Enumerable.Range(0, recorded.Count).Select(i => append.Result.StreamVersion - recorded.Count + 1 + i), recorded.Select(r => r.StreamVersion));
            Assert.Equal(append.Result.Position, recorded[^1].Position);
        }

        foreach (var stream in streams)
        {
            var events = await ReadStreamAsync(stores[1], stream);
            Assert.Equal(Enumerable.Range(1, events.Count).Select(v => (long)v), events.Select(e => e.StreamVersion));
            Assert.Equal(appended.Where(a => a.Stream == stream).Sum(a => a.Events.Count), events.Count);
            AssertStrictlyIncreasingPositions(events);
        }
    }

    private async Task<IReadOnlyList<IEventStore>> OpenStoresAsync()
    {
        var stores = new List<IEventStore>();
        for (var i = 0; i < Writers; i++)
        {
            stores.Add(await OpenStoreAsync());
        }

        return stores;
    }
}
