using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Switchboard.EventSourcing;
using static Switchboard.Sqlite.Tests.Events.EventStoreFile;

namespace Switchboard.Sqlite.Tests.Events;

public sealed class SqliteEventStoreTests : IAsyncLifetime
{
    private readonly EventStoreFile _file = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await _file.DisposeAsync();

    [Fact]
    public async Task Creating_the_schema_again_keeps_what_is_there()
    {
        var first = await _file.OpenAsync();
        await first.AppendAsync("order-1", ExpectedVersion.NoStream, [Event("e-1")]);
        await first.SaveCheckpointAsync("projection", 1);

        await first.InitializeAsync();
        var second = await _file.OpenAsync();

        Assert.Equal(1, await second.GetStreamVersionAsync("order-1"));
        Assert.Equal(1, await second.LoadCheckpointAsync("projection"));
        var appended = await second.AppendAsync("order-1", ExpectedVersion.Exact(1), [Event("e-2")]);
        Assert.Equal(2, appended.StreamVersion);
    }

    [Fact]
    public async Task Another_process_sees_the_appends_and_its_wait_wakes_at_once()
    {
        var writer = await _file.OpenAsync();
        var watcher = await _file.OpenAsync();
        var start = await watcher.ReadAllAsync(0, 10);

        // A wait may return early (the change watcher's first look counts as a change): wait again until the events
        // are there, as a subscription does.
        var wait = Task.Run(async () =>
        {
            while (true)
            {
                await watcher.WaitForEventsAsync(start.NextPosition, TimeSpan.FromSeconds(30));
                if ((await watcher.ReadAllAsync(start.NextPosition, 10)).Events.Count > 0)
                {
                    return;
                }
            }
        });
        await Task.Delay(100); // so that the wait is parked before the append
        var waited = Stopwatch.StartNew();
        var appended = await writer.AppendAsync("order-1", ExpectedVersion.Any, [Event("e-1"), Event("e-2")]);
        await wait.WaitAsync(TimeSpan.FromSeconds(10));
        waited.Stop();

        Assert.True(waited.Elapsed < TimeSpan.FromSeconds(5), $"woke after {waited.Elapsed}");
        var page = await watcher.ReadAllAsync(start.NextPosition, 10);
        Assert.Equal(["e-1", "e-2"], page.Events.Select(e => e.EventId));
        Assert.Equal(appended.Position, page.NextPosition);
        Assert.True(page.IsEnd);
    }

    [Fact]
    public async Task A_wait_returns_after_max_wait_when_nothing_is_appended()
    {
        var store = await _file.OpenAsync();
        await Task.Delay(200); // the change watcher's first look counts as a change (a wait may return early)
        var waited = Stopwatch.StartNew();
        await store.WaitForEventsAsync(0, TimeSpan.FromMilliseconds(200));
        Assert.InRange(waited.Elapsed, TimeSpan.FromMilliseconds(150), TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task A_batch_failing_at_its_third_event_leaves_nothing_while_an_append_in_the_same_group_commit_succeeds()
    {
        var store = await _file.OpenAsync();
        await store.AppendAsync("order-1", ExpectedVersion.NoStream, [Event("taken")]);

        // While a transaction holds the writer, both appends queue up and then run in one group commit.
        Task<AppendResult> failing, succeeding;
        await using (await store.BeginTransactionAsync())
        {
            failing = store.AppendAsync("order-2", ExpectedVersion.NoStream, [Event("a"), Event("b"), Event("taken")]).AsTask();
            succeeding = store.AppendAsync("order-3", ExpectedVersion.NoStream, [Event("c"), Event("d")]).AsTask();
            await Task.Delay(100);
            Assert.False(failing.IsCompleted || succeeding.IsCompleted);
        }

        var duplicate = await Assert.ThrowsAsync<DuplicateEventIdException>(() => failing);
        Assert.Equal("taken", duplicate.EventId);
        Assert.Equal(2, (await succeeding).StreamVersion);
        Assert.Equal(0, await store.GetStreamVersionAsync("order-2"));
        var all = await store.ReadAllAsync(0, 100);
        Assert.Equal(["taken", "c", "d"], all.Events.Select(e => e.EventId));

        // Nothing of the failed batch stayed behind: its ids are free again.
        var retried = await store.AppendAsync("order-2", ExpectedVersion.NoStream, [Event("a"), Event("b"), Event("e")]);
        Assert.Equal(3, retried.StreamVersion);
        Assert.False(retried.AlreadyAppended);
    }

    [Fact]
    public async Task A_transaction_rolled_back_leaves_nothing()
    {
        var store = await _file.OpenAsync();
        await CreateTableAsync();

        await using (var transaction = await store.BeginTransactionAsync())
        {
            await transaction.AppendAsync("order-1", ExpectedVersion.NoStream, [Event("e-1")]);
            await transaction.SaveCheckpointAsync("projection", 1);
            await using var insert = transaction.Connection!.CreateCommand();
            insert.Transaction = transaction.Transaction;
            insert.CommandText = "INSERT INTO read_model (id, value) VALUES ('order-1', 1)";
            await insert.ExecuteNonQueryAsync();
        }

        Assert.Equal(0, await store.GetStreamVersionAsync("order-1"));
        Assert.Null(await store.LoadCheckpointAsync("projection"));
        Assert.Equal(0L, await CountRowsAsync());
        Assert.Empty((await store.ReadAllAsync(0, 10)).Events);
        Assert.Equal(1, (await store.AppendAsync("order-1", ExpectedVersion.NoStream, [Event("e-1")])).StreamVersion);
    }

    [Fact]
    public async Task A_committed_transaction_makes_events_checkpoint_and_read_model_visible_together()
    {
        var store = await _file.OpenAsync();
        await CreateTableAsync();

        await using (var transaction = await store.BeginTransactionAsync())
        {
            var appended = await transaction.AppendAsync("order-1", ExpectedVersion.NoStream, [Event("e-1"), Event("e-2")]);
            await transaction.SaveCheckpointAsync("projection", appended.Position);
            await using var insert = transaction.Connection!.CreateCommand();
            insert.Transaction = transaction.Transaction;
            insert.CommandText = "INSERT INTO read_model (id, value) VALUES ('order-1', 2)";
            await insert.ExecuteNonQueryAsync();
            Assert.Equal(0, await store.GetStreamVersionAsync("order-1")); // readers see it only after the commit
            await transaction.CommitAsync();
        }

        Assert.Equal(2, await store.GetStreamVersionAsync("order-1"));
        Assert.Equal((await store.ReadAllAsync(0, 10)).NextPosition, await store.LoadCheckpointAsync("projection"));
        Assert.Equal(1L, await CountRowsAsync());
    }

    [Fact]
    public async Task Metadata_round_trips_and_empty_metadata_is_stored_as_null()
    {
        var store = await _file.OpenAsync();
        var metadata = new EventMetadata { CorrelationId = "order-1", CausationId = "m-1", Headers = new Dictionary<string, string> { ["tenant"] = "acme" } };
        await store.AppendAsync("order-1", ExpectedVersion.NoStream, [Event("e-1") with { Metadata = metadata }, Event("e-2")]);

        var events = await store.ReadStreamAsync("order-1", 1, ReadDirection.Forwards, 10);

        Assert.Equal("order-1", events[0].Metadata.CorrelationId);
        Assert.Equal("m-1", events[0].Metadata.CausationId);
        Assert.Equal("acme", events[0].Metadata.Headers!["tenant"]);
        Assert.Same(EventMetadata.Empty, events[1].Metadata);
        await using var connection = new SqliteConnection($"Data Source={_file.Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM sb_events WHERE metadata IS NULL";
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    private async Task CreateTableAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_file.Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE read_model (id TEXT PRIMARY KEY, value BIGINT NOT NULL)";
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> CountRowsAsync()
    {
        await using var connection = new SqliteConnection($"Data Source={_file.Path}");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM read_model";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
