using System.Collections.Concurrent;
using Npgsql;
using Switchboard.EventSourcing;

namespace Switchboard.PostgreSql.Tests.Events;

/// <summary>
/// Readers of all events never skip an event that commits late: transactions commit out of the order of their
/// positions here, and readers continuing from <see cref="EventPage.NextPosition"/> still see every event once, in order.
/// </summary>
[Collection(EventStoreCollection.Name)]
public sealed class GlobalOrderTests : EventStoreTest
{
    [Fact]
    public async Task An_open_transaction_holds_readers_back_at_its_events_until_it_ends()
    {
        var store = await InitializedStoreAsync();
        await store.AppendAsync("before-1", ExpectedVersion.Any, [Event("before")]);
        var (seen, next) = await ReadUntilAsync(store, 0, 1);
        Assert.Equal(["before"], seen.Select(e => e.EventId));

        await using var open = await store.BeginTransactionAsync();
        var held = await open.AppendAsync("held-1", ExpectedVersion.Any, [Event("held")]);

        // Later appends commit while the first is still open: their positions are higher, and readers wait for it.
        var later1 = await store.AppendAsync("later-1", ExpectedVersion.Any, [Event("later-1")]);
        var later2 = await store.AppendAsync("later-2", ExpectedVersion.Any, [Event("later-2a"), Event("later-2b")]);
        Assert.True(held.Position < later1.Position && later1.Position < later2.Position);

        var (whileOpen, nextWhileOpen) = await ReadAllAsync(store, next);
        Assert.Empty(whileOpen);
        Assert.True(nextWhileOpen < held.Position, "a reader passed an event that could still commit");
        Assert.Equal(0, await store.CountEventsAfterAsync(next, 100));

        await open.CommitAsync();
        var (after, end) = await ReadUntilAsync(store, nextWhileOpen, 4);
        Assert.Equal(["held", "later-1", "later-2a", "later-2b"], after.Select(e => e.EventId));
        Assert.Equal(4, await store.CountEventsAfterAsync(next, 100));
        Assert.Empty((await ReadAllAsync(store, end)).Events);
    }

    /// <summary>
    /// Appends that wait for one stream take their positions in the order of their versions. Each round holds the
    /// stream in an open transaction until four appends wait for it. (An append that took its transaction id before it
    /// waited could win the stream after one numbered later and put its lower position on a higher version; that race
    /// is a few instructions wide inside PostgreSQL and shows only under load, in the concurrent-append suite, so this
    /// test checks the contended path, not the race itself.)
    /// </summary>
    [Fact]
    public async Task Appends_that_wait_for_one_stream_take_positions_in_the_order_of_their_versions()
    {
        var store = await InitializedStoreAsync();
        var next = 0L;
        for (var round = 0; round < 10; round++)
        {
            var stream = $"contended-{round}";
            List<Task<AppendResult>> waiting;
            await using (var holder = await store.BeginTransactionAsync())
            {
                await holder.AppendAsync(stream, ExpectedVersion.Any, [Event($"{round}-held")]);
                waiting = Enumerable.Range(0, 4)
                    .Select(i => Task.Run(() => store.AppendAsync(stream, ExpectedVersion.Any, [Event($"{round}-waiting-{i}")]).AsTask()))
                    .ToList();
                await WaitForLockWaitersAsync(4);
                await holder.CommitAsync();
            }

            await Task.WhenAll(waiting);
            (var events, next) = await ReadUntilAsync(store, next, 5);
            Assert.Equal(5, events.Count);
            Assert.All(events, e => Assert.Equal(stream, e.StreamId));
            Assert.Equal([1L, 2, 3, 4, 5], events.Select(e => e.StreamVersion));
        }
    }

    // Sessions of this test's appends waiting for a lock: on the stream's lock, or on the stream's row.
    private async Task WaitForLockWaitersAsync(int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            await using var command = Admin.CreateCommand("""
                SELECT count(*) FROM pg_stat_activity
                WHERE wait_event_type = 'Lock' AND (query LIKE '%pg_advisory_xact_lock(1397850691%' OR query LIKE '%' || $1 || '%')
                """);
            command.Parameters.AddWithValue(Schema);
            if ((long)(await command.ExecuteScalarAsync())! >= count)
            {
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, $"fewer than {count} appends came to wait for the stream");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_rolled_back_append_leaves_a_hole_that_readers_pass()
    {
        var store = await InitializedStoreAsync();
        long rolledBack;
        await using (var transaction = await store.BeginTransactionAsync())
        {
            rolledBack = (await transaction.AppendAsync("gone-1", ExpectedVersion.Any, [Event("gone")])).Position;
            var later = await store.AppendAsync("kept-1", ExpectedVersion.Any, [Event("kept-1")]);
            Assert.True(later.Position > rolledBack);
            Assert.Empty((await ReadAllAsync(store)).Events);
        }

        await store.AppendAsync("kept-2", ExpectedVersion.Any, [Event("kept-2")]);
        var (events, next) = await ReadUntilAsync(store, 0, 2);
        Assert.Equal(["kept-1", "kept-2"], events.Select(e => e.EventId));
        Assert.True(next >= events[^1].Position);
        Assert.Equal(0, await store.GetStreamVersionAsync("gone-1"));
    }

    [Fact]
    public async Task Concurrent_writers_committing_out_of_order_are_read_exactly_once_in_position_order()
    {
        var store = await InitializedStoreAsync();
        using var stop = new CancellationTokenSource();
        var committed = new ConcurrentDictionary<string, long>();

        // Writers: some append at once, some hold their transaction open a while before committing, some roll back.
        var writers = Enumerable.Range(0, 6).Select(w => Task.Run(async () =>
        {
            var rng = new Random(w);
            for (var i = 0; i < 40; i++)
            {
                var ids = Enumerable.Range(0, rng.Next(1, 4)).Select(k => $"w{w}-{i}-{k}").ToArray();
                var batch = ids.Select(id => Event(id)).ToArray();
                var mode = rng.Next(4);
                if (mode == 0)
                {
                    var result = await store.AppendAsync($"w{w}-{i % 3}", ExpectedVersion.Any, batch);
                    Record(ids, result);
                    continue;
                }

                await using var transaction = await store.BeginTransactionAsync();
                var appended = await transaction.AppendAsync($"w{w}-{i % 3}", ExpectedVersion.Any, batch);
                await Task.Delay(rng.Next(0, 15));
                if (mode == 3)
                {
                    continue; // rolled back
                }

                await transaction.CommitAsync();
                Record(ids, appended);
            }
        })).ToList();

        var read = new List<RecordedEvent>();
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        var reader = Task.Run(async () =>
        {
            var after = 0L;
            while (true)
            {
                var finished = stop.IsCancellationRequested;
                var page = await store.ReadAllAsync(after, 7);
                read.AddRange(page.Events);
                after = page.NextPosition;
                if (finished && page.IsEnd && (read.Count >= committed.Count || deadline.Elapsed > TimeSpan.FromSeconds(30)))
                {
                    return;
                }
            }
        });

        await Task.WhenAll(writers);
        await stop.CancelAsync();
        await reader;

        Assert.Equal(read.Count, read.Select(e => e.EventId).Distinct().Count());
        Assert.True(read.Select(e => e.Position).SequenceEqual(read.Select(e => e.Position).Order()), "out of position order");
        Assert.Equal(committed.Keys.Order(), read.Select(e => e.EventId).Order());
        Assert.All(read, e => Assert.Equal(committed[e.EventId], e.Position));

        void Record(string[] ids, AppendResult result)
        {
            for (var k = 0; k < ids.Length; k++)
            {
                committed[ids[k]] = result.Position - (ids.Length - 1 - k);
            }
        }
    }

    [Fact]
    public async Task A_backend_killed_mid_append_leaves_no_partial_batch()
    {
        var store = await InitializedStoreAsync();
        var transaction = await store.BeginTransactionAsync();
        await transaction.AppendAsync("s-1", ExpectedVersion.NoStream, Events("killed", 50));
        int pid;
        await using (var command = ((NpgsqlConnection)transaction.Connection!).CreateCommand())
        {
            command.CommandText = "SELECT pg_backend_pid()";
            pid = (int)(await command.ExecuteScalarAsync())!;
        }

        await using (var kill = Admin.CreateCommand($"SELECT pg_terminate_backend({pid})"))
        {
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }

        await Assert.ThrowsAnyAsync<Exception>(() => transaction.CommitAsync().AsTask());
        await transaction.DisposeAsync();

        Assert.Equal(0, await store.GetStreamVersionAsync("s-1"));
        Assert.Empty((await ReadAllAsync(store)).Events);
        Assert.Equal(0L, await ScalarAsync<long>($"SELECT count(*) FROM {Quoted}.events"));

        // The stream is free again, and the same ids can be appended.
        var result = await store.AppendAsync("s-1", ExpectedVersion.NoStream, Events("killed", 50));
        Assert.Equal(50, result.StreamVersion);
        Assert.False(result.AlreadyAppended);
    }
}
