using System.Text;
using Switchboard.EventSourcing;

namespace Switchboard.PostgreSql.Tests.Events;

/// <summary>The store's own behaviour, besides the conformance suite: what it writes and reads back.</summary>
[Collection(EventStoreCollection.Name)]
public sealed class EventStoreBasicsTests : EventStoreTest
{
    [Fact]
    public async Task Appends_and_reads_a_stream_both_ways()
    {
        var store = await InitializedStoreAsync();
        var metadata = new EventMetadata { CorrelationId = "c", CausationId = "k", Headers = new Dictionary<string, string> { ["h"] = "v" } };
        var first = await store.AppendAsync("order-1", ExpectedVersion.NoStream, [Event("a", metadata: metadata), Event("b")]);
        var second = await store.AppendAsync("order-1", ExpectedVersion.Exact(2), [Event("c")]);

        Assert.Equal(2, first.StreamVersion);
        Assert.Equal(3, second.StreamVersion);
        Assert.True(second.Position > first.Position);
        Assert.Equal(3, await store.GetStreamVersionAsync("order-1"));
        Assert.Equal(0, await store.GetStreamVersionAsync("order-2"));

        var forwards = await store.ReadStreamAsync("order-1", 1, ReadDirection.Forwards, 10);
        Assert.Equal(["a", "b", "c"], forwards.Select(e => e.EventId));
        Assert.Equal([1L, 2L, 3L], forwards.Select(e => e.StreamVersion));
        Assert.Equal("""{"id":"a"}""", Encoding.UTF8.GetString(forwards[0].Data.Span));
        Assert.Equal("c", forwards[0].Metadata.CorrelationId);
        Assert.Equal("k", forwards[0].Metadata.CausationId);
        Assert.Equal("v", forwards[0].Metadata.Headers!["h"]);
        Assert.Null(forwards[1].Metadata.CorrelationId);
        Assert.Equal(first.Position, forwards[1].Position);
        Assert.Equal(second.Position, forwards[2].Position);

        var backwards = await store.ReadStreamAsync("order-1", long.MaxValue, ReadDirection.Backwards, 2);
        Assert.Equal(["c", "b"], backwards.Select(e => e.EventId));
        Assert.Empty(await store.ReadStreamAsync("order-2", 1, ReadDirection.Forwards, 10));

        // The empty metadata is stored as NULL.
        Assert.Equal(2L, await ScalarAsync<long>($"SELECT count(*) FROM {Quoted}.events WHERE metadata IS NULL"));
    }

    [Fact]
    public async Task Positions_are_the_transaction_id_shifted_plus_the_ordinal()
    {
        var store = await InitializedStoreAsync();
        await using var transaction = await store.BeginTransactionAsync();
        var first = await transaction.AppendAsync("a-1", ExpectedVersion.Any, Events("x", 3));
        var second = await transaction.AppendAsync("b-1", ExpectedVersion.Any, Events("y", 2));
        await using var command = ((Npgsql.NpgsqlConnection)transaction.Connection!).CreateCommand();
        command.CommandText = "SELECT pg_current_xact_id()::text::bigint";
        var xid = (long)(await command.ExecuteScalarAsync())!;
        await transaction.CommitAsync();

        Assert.Equal((xid << 20) + 2, first.Position);
        Assert.Equal((xid << 20) + 4, second.Position);
    }

    [Fact]
    public async Task Expected_versions_are_checked()
    {
        var store = await InitializedStoreAsync();
        await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.AppendAsync("s-1", ExpectedVersion.StreamExists, [Event("a")]).AsTask());
        await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.AppendAsync("s-1", ExpectedVersion.Exact(1), [Event("a")]).AsTask());
        await store.AppendAsync("s-1", ExpectedVersion.NoStream, [Event("a")]);
        var error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.AppendAsync("s-1", ExpectedVersion.NoStream, [Event("b")]).AsTask());
        Assert.Equal(1, error.ActualVersion);
        await store.AppendAsync("s-1", ExpectedVersion.StreamExists, [Event("b")]);
        await store.AppendAsync("s-1", ExpectedVersion.Any, [Event("c")]);
        error = await Assert.ThrowsAsync<WrongExpectedVersionException>(() => store.AppendAsync("s-1", ExpectedVersion.Exact(2), [Event("d")]).AsTask());
        Assert.Equal(3, error.ActualVersion);
        Assert.Equal(3, await store.GetStreamVersionAsync("s-1"));
    }

    [Fact]
    public async Task A_repeated_append_returns_the_first_result_and_other_reuse_throws()
    {
        var store = await InitializedStoreAsync();
        var first = await store.AppendAsync("s-1", ExpectedVersion.NoStream, [Event("a"), Event("b")]);
        await store.AppendAsync("s-1", ExpectedVersion.Any, [Event("c")]);

        var again = await store.AppendAsync("s-1", ExpectedVersion.NoStream, [Event("a"), Event("b")]);
        Assert.Equal(first with { AlreadyAppended = true }, again);

        var tail = await store.AppendAsync("s-1", ExpectedVersion.Exact(99), [Event("b"), Event("c")]);
        Assert.Equal(3, tail.StreamVersion);
        Assert.True(tail.AlreadyAppended);

        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync("s-2", ExpectedVersion.Any, [Event("a")]).AsTask());
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync("s-1", ExpectedVersion.Any, [Event("a"), Event("z")]).AsTask());
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync("s-1", ExpectedVersion.Any, [Event("b"), Event("a")]).AsTask());
        await Assert.ThrowsAsync<DuplicateEventIdException>(() => store.AppendAsync("s-1", ExpectedVersion.Any, [Event("a"), Event("c")]).AsTask());
        Assert.Equal(3, await store.GetStreamVersionAsync("s-1"));
        Assert.Equal(0, await store.GetStreamVersionAsync("s-2"));
    }

    [Fact]
    public async Task Invalid_appends_are_refused()
    {
        var store = await InitializedStoreAsync();
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync("", ExpectedVersion.Any, [Event("a")]).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync(new string('s', 201), ExpectedVersion.Any, [Event("a")]).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync("s-1", ExpectedVersion.Any, []).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync("s-1", ExpectedVersion.Any, [Event("a"), Event("a")]).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync("s-1", ExpectedVersion.Any, [Event(new string('i', 201))]).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => store.AppendAsync("s-1", ExpectedVersion.Any, [Event("a", type: " ")]).AsTask());
        Assert.Equal(0, await store.GetStreamVersionAsync("s-1"));
    }

    [Fact]
    public async Task Reads_of_all_events_filter_and_count()
    {
        var store = await InitializedStoreAsync();
        await store.AppendAsync("order-1", ExpectedVersion.Any, [Event("o1", "placed"), Event("o2", "shipped")]);
        await store.AppendAsync("payment-1", ExpectedVersion.Any, [Event("p1", "placed")]);
        await store.AppendAsync("order-2", ExpectedVersion.Any, [Event("o3", "placed")]);

        var (all, next) = await ReadUntilAsync(store, 0, 4);
        Assert.Equal(all.Select(e => e.Position), (await ReadAllAsync(store, pageSize: 2)).Events.Select(e => e.Position));
        Assert.Equal(["o1", "o2", "p1", "o3"], all.Select(e => e.EventId));
        Assert.True(next >= all[^1].Position);
        Assert.Equal(["o1", "o2", "o3"], (await ReadAllAsync(store, filter: EventFilter.ForCategories("order"))).Events.Select(e => e.EventId));
        Assert.Equal(["o1", "p1", "o3"], (await ReadAllAsync(store, filter: EventFilter.ForEventTypes("placed"))).Events.Select(e => e.EventId));
        Assert.Equal(["o1", "o3"], (await ReadAllAsync(store, filter: new EventFilter { Categories = ["order"], EventTypes = ["placed"] })).Events.Select(e => e.EventId));

        // A filtered page moves past what it left out.
        var page = await store.ReadAllAsync(0, 10, EventFilter.ForCategories("payment"));
        Assert.True(page.IsEnd);
        Assert.True(page.NextPosition >= all[^1].Position);

        Assert.Equal(4, await store.CountEventsAfterAsync(0, 100));
        Assert.Equal(2, await store.CountEventsAfterAsync(0, 2));
        Assert.Equal(2, await store.CountEventsAfterAsync(all[1].Position, 100));
        Assert.Equal(0, await store.CountEventsAfterAsync(next, 100));
    }

    [Fact]
    public async Task Checkpoints_and_snapshots()
    {
        var store = await InitializedStoreAsync();
        Assert.Null(await store.LoadCheckpointAsync("p"));
        await store.SaveCheckpointAsync("p", 5);
        await store.SaveCheckpointAsync("p", 7);
        Assert.Equal(7, await store.LoadCheckpointAsync("p"));
        await store.DeleteCheckpointAsync("p");
        Assert.Null(await store.LoadCheckpointAsync("p"));

        Assert.Null(await store.LoadSnapshotAsync("s-1"));
        await store.SaveSnapshotAsync(new Snapshot("s-1", 5, "state.v1", "{\"n\":5}"u8.ToArray()));
        await store.SaveSnapshotAsync(new Snapshot("s-1", 3, "state.v1", "{\"n\":3}"u8.ToArray()));
        var snapshot = await store.LoadSnapshotAsync("s-1");
        Assert.Equal(5, snapshot!.Version);
        Assert.Equal("{\"n\":5}", Encoding.UTF8.GetString(snapshot.Data.Span));
        await store.SaveSnapshotAsync(new Snapshot("s-1", 9, "state.v2", "{\"n\":9}"u8.ToArray()));
        Assert.Equal("state.v2", (await store.LoadSnapshotAsync("s-1"))!.Type);
    }

    [Fact]
    public async Task A_transaction_commits_appends_checkpoints_and_its_own_sql_together_or_not_at_all()
    {
        var store = await InitializedStoreAsync();
        await using (var transaction = await store.BeginTransactionAsync())
        {
            await transaction.AppendAsync("s-1", ExpectedVersion.NoStream, [Event("a")]);
            await transaction.SaveCheckpointAsync("p", 1);
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction.Transaction;
            command.CommandText = "CREATE TABLE model (id int)";
            await command.ExecuteNonQueryAsync();
        }

        Assert.Equal(0, await store.GetStreamVersionAsync("s-1"));
        Assert.Null(await store.LoadCheckpointAsync("p"));
        Assert.False(await ScalarAsync<bool>($"SELECT to_regclass('{Quoted}.model') IS NOT NULL"));

        await using (var transaction = await store.BeginTransactionAsync())
        {
            await transaction.AppendAsync("s-1", ExpectedVersion.NoStream, [Event("a")]);
            await Assert.ThrowsAsync<WrongExpectedVersionException>(() => transaction.AppendAsync("s-1", ExpectedVersion.NoStream, [Event("b")]).AsTask());
            await transaction.SaveCheckpointAsync("p", 1);
            await using var command = transaction.Connection!.CreateCommand();
            command.Transaction = transaction.Transaction;
            command.CommandText = "CREATE TABLE model (id int)";
            await command.ExecuteNonQueryAsync();
            await transaction.CommitAsync();
        }

        Assert.Equal(1, await store.GetStreamVersionAsync("s-1"));
        Assert.Equal(1, await store.LoadCheckpointAsync("p"));
        Assert.True(await ScalarAsync<bool>($"SELECT to_regclass('{Quoted}.model') IS NOT NULL"));
    }
}
