using Switchboard.EventSourcing;

namespace Switchboard.PostgreSql.Tests.Events;

/// <summary>Concurrent appends to one stream: the expected-version check holds under contention, and Any never fails.</summary>
[Collection(EventStoreCollection.Name)]
public sealed class ConcurrencyTests : EventStoreTest
{
    [Fact]
    public async Task Of_eight_writers_with_the_same_expected_version_exactly_one_wins_each_round()
    {
        // Separate store instances: separate pools, as separate processes would have.
        await InitializedStoreAsync();
        var stores = Enumerable.Range(0, 8).Select(_ => NewStore()).ToList();
        for (var round = 0; round < 10; round++)
        {
            var expected = ExpectedVersion.Exact(round);
            using var start = new ManualResetEventSlim();
            var attempts = stores.Select((s, w) => Task.Run(async () =>
            {
                start.Wait();
                try
                {
                    await s.AppendAsync("race-1", expected, [Event($"r{round}-w{w}")]);
                    return true;
                }
                catch (WrongExpectedVersionException)
                {
                    return false;
                }
            })).ToList();
            start.Set();
            var won = await Task.WhenAll(attempts);
            Assert.Single(won, w => w);
            Assert.Equal(round + 1, await stores[0].GetStreamVersionAsync("race-1"));
        }

        var events = await stores[0].ReadStreamAsync("race-1", 1, ReadDirection.Forwards, 100);
        Assert.Equal(Enumerable.Range(1, 10).Select(v => (long)v), events.Select(e => e.StreamVersion));
    }

    [Fact]
    public async Task Eight_writers_creating_a_stream_with_NoStream_one_wins()
    {
        await InitializedStoreAsync();
        var stores = Enumerable.Range(0, 8).Select(_ => NewStore()).ToList();
        using var start = new ManualResetEventSlim();
        var attempts = stores.Select((s, w) => Task.Run(async () =>
        {
            start.Wait();
            try
            {
                await s.AppendAsync("new-1", ExpectedVersion.NoStream, [Event($"w{w}")]);
                return true;
            }
            catch (WrongExpectedVersionException)
            {
                return false;
            }
        })).ToList();
        start.Set();
        Assert.Single(await Task.WhenAll(attempts), w => w);
    }

    [Fact]
    public async Task Any_never_fails_under_contention()
    {
        await InitializedStoreAsync();
        var stores = Enumerable.Range(0, 8).Select(_ => NewStore()).ToList();
        var results = await Task.WhenAll(stores.Select((s, w) => Task.Run(async () =>
        {
            var mine = new List<AppendResult>();
            for (var i = 0; i < 20; i++)
            {
                mine.Add(await s.AppendAsync("busy-1", ExpectedVersion.Any, [Event($"w{w}-{i}-a"), Event($"w{w}-{i}-b")]));
            }

            return mine;
        })));

        var versions = results.SelectMany(r => r).Select(r => r.StreamVersion).Order().ToList();
        Assert.Equal(Enumerable.Range(1, 320).Where(v => v % 2 == 0).Select(v => (long)v), versions);
        Assert.Equal(320, await stores[0].GetStreamVersionAsync("busy-1"));
    }

    [Fact]
    public async Task The_same_batch_appended_at_once_by_two_writers_is_written_once()
    {
        await InitializedStoreAsync();
        var stores = Enumerable.Range(0, 4).Select(_ => NewStore()).ToList();
        for (var round = 0; round < 10; round++)
        {
            var batch = Events($"same-{round}", 3);
            using var start = new ManualResetEventSlim();
            var attempts = stores.Select(s => Task.Run(async () =>
            {
                start.Wait();
                return await s.AppendAsync("twice-1", ExpectedVersion.Any, batch);
            })).ToList();
            start.Set();
            var results = await Task.WhenAll(attempts);
            Assert.Single(results, r => !r.AlreadyAppended);
            Assert.Single(results.Select(r => r with { AlreadyAppended = false }).Distinct());
        }

        Assert.Equal(30, await stores[0].GetStreamVersionAsync("twice-1"));
    }
}
