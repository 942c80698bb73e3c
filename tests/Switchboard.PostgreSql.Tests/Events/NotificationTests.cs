using System.Diagnostics;
using Npgsql;
using Switchboard.EventSourcing;

namespace Switchboard.PostgreSql.Tests.Events;

/// <summary>WaitForEventsAsync: LISTEN/NOTIFY across store instances, and the polling fallback.</summary>
[Collection(EventStoreCollection.Name)]
public sealed class NotificationTests : EventStoreTest
{
    [Fact]
    public async Task An_append_through_another_store_instance_wakes_waiters_fast()
    {
        var writer = await InitializedStoreAsync();
        var reader = NewStore();
        var (_, next) = await ReadAllAsync(reader);

        // Listening starts with the first wait.
        await reader.WaitForEventsAsync(next, TimeSpan.FromMilliseconds(50));
        await WaitUntilAsync(() => reader.IsListening);

        var waiters = Enumerable.Range(0, 5).Select(_ => Task.Run(async () =>
        {
            var clock = Stopwatch.StartNew();
            await reader.WaitForEventsAsync(next, TimeSpan.FromSeconds(30));
            return clock.Elapsed;
        })).ToList();
        await Task.Delay(200);
        Assert.All(waiters, w => Assert.False(w.IsCompleted));

        await writer.AppendAsync("s-1", ExpectedVersion.Any, [Event("a")]);
        var waited = await Task.WhenAll(waiters).WaitAsync(TimeSpan.FromSeconds(5));
        Assert.All(waited, w => Assert.True(w < TimeSpan.FromSeconds(3), $"woke after {w}"));
        Assert.Equal(["a"], (await ReadUntilAsync(reader, next, 1)).Events.Select(e => e.EventId));
    }

    [Fact]
    public async Task A_commit_of_a_transaction_with_appends_wakes_waiters()
    {
        var writer = await InitializedStoreAsync();
        var reader = NewStore();
        var (_, next) = await ReadAllAsync(reader);
        await reader.WaitForEventsAsync(next, TimeSpan.FromMilliseconds(10));
        await WaitUntilAsync(() => reader.IsListening);

        await using var transaction = await writer.BeginTransactionAsync();
        await transaction.AppendAsync("s-1", ExpectedVersion.Any, [Event("a")]);
        var waiting = reader.WaitForEventsAsync(next, TimeSpan.FromSeconds(30)).AsTask();
        await Task.Delay(200);
        Assert.False(waiting.IsCompleted);
        await transaction.CommitAsync();
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task A_wait_returns_at_once_when_events_are_readable_already()
    {
        var store = await InitializedStoreAsync(o => o with { ListenForAppends = false });
        await store.AppendAsync("s-1", ExpectedVersion.Any, [Event("a")]);
        await ReadUntilAsync(store, 0, 1);
        var clock = Stopwatch.StartNew();
        await store.WaitForEventsAsync(0, TimeSpan.FromSeconds(30));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Without_notifications_a_wait_lasts_its_max_wait()
    {
        var store = await InitializedStoreAsync(o => o with { ListenForAppends = false });
        var (_, next) = await ReadAllAsync(store);
        var clock = Stopwatch.StartNew();
        await store.WaitForEventsAsync(next, TimeSpan.FromMilliseconds(300));
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(5));
        Assert.False(store.IsListening);
    }

    [Fact]
    public async Task The_listener_reconnects_after_its_connection_is_killed()
    {
        var writer = await InitializedStoreAsync();
        var reader = NewStore();
        var (_, next) = await ReadAllAsync(reader);
        await reader.WaitForEventsAsync(next, TimeSpan.FromMilliseconds(10));
        await WaitUntilAsync(() => reader.IsListening);
        var listen = $"LISTEN {PostgreSqlNames.Quote(writer.Sql.Channel)}";
        var killed = Assert.Single(await BackendsRunningAsync(listen));

        await using (var kill = Admin.CreateCommand($"SELECT pg_terminate_backend({killed})"))
        {
            Assert.True((bool)(await kill.ExecuteScalarAsync())!);
        }

        // Another backend listens on the channel: the reader's listener connected again.
        var clock = Stopwatch.StartNew();
        while (await BackendsRunningAsync(listen) is not [var pid] || pid == killed)
        {
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), "No new backend listens on the channel.");
            await Task.Delay(20);
        }

        await WaitUntilAsync(() => reader.IsListening);
        var waiting = reader.WaitForEventsAsync(next, TimeSpan.FromSeconds(30)).AsTask();
        await writer.AppendAsync("s-1", ExpectedVersion.Any, [Event("a")]);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task Cancelling_a_wait_throws()
    {
        var store = await InitializedStoreAsync();
        var (_, next) = await ReadAllAsync(store);
        await store.WaitForEventsAsync(next, TimeSpan.FromMilliseconds(10));
        await WaitUntilAsync(() => store.IsListening);
        using var cancel = new CancellationTokenSource(200);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.WaitForEventsAsync(next, TimeSpan.FromSeconds(30), cancel.Token).AsTask());
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > TimeSpan.FromSeconds(10))
            {
                throw new TimeoutException("The condition did not become true.");
            }

            await Task.Delay(20);
        }
    }

    /// <summary>The backends of this database whose last statement was <paramref name="query"/>, other than the test's own.</summary>
    private async Task<List<int>> BackendsRunningAsync(string query)
    {
        await using var command = Admin.CreateCommand("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND query = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = query });
        await using var reader = await command.ExecuteReaderAsync();
        var pids = new List<int>();
        while (await reader.ReadAsync())
        {
            pids.Add(reader.GetInt32(0));
        }

        return pids;
    }
}
