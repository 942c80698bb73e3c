using Switchboard.EventSourcing;
using Xunit;

namespace Switchboard.Conformance.EventStores;

/// <summary>
/// Subscription checkpoints (missing, saved, overwritten, deleted, seen by another instance) and aggregate snapshots
/// (missing, saved, never replaced by a lower version, seen by another instance).
/// </summary>
public abstract class CheckpointAndSnapshotSuite<TFactory> : EventStoreSuite<TFactory>
    where TFactory : IEventStoreFactory, new()
{
    /// <summary>A checkpoint nobody saved loads as null.</summary>
    [Fact]
    public async Task A_missing_checkpoint_loads_as_null()
    {
        var store = Checkpoints(await OpenStoreAsync());

        Assert.Null(await store.LoadCheckpointAsync("nobody"));
    }

    /// <summary>
    /// A saved checkpoint loads (here and in another instance), a later save overwrites it (lower or higher), a
    /// delete removes it; checkpoints of other names are independent; deleting a missing one is no error.
    /// </summary>
    [Fact]
    public async Task Checkpoints_are_saved_overwritten_and_deleted()
    {
        var store = Checkpoints(await OpenStoreAsync());
        var other = Checkpoints(await OpenStoreAsync());
        const string name = "projection/orders ä";

        await store.SaveCheckpointAsync(name, 42);
        await store.SaveCheckpointAsync("neighbour", 7);
        Assert.Equal(42, await store.LoadCheckpointAsync(name));
        Assert.Equal(42, await other.LoadCheckpointAsync(name));

        await other.SaveCheckpointAsync(name, 100);
        Assert.Equal(100, await store.LoadCheckpointAsync(name));
        await store.SaveCheckpointAsync(name, 3);
        Assert.Equal(3, await other.LoadCheckpointAsync(name));
        await store.SaveCheckpointAsync(name, 0);
        Assert.Equal(0, await other.LoadCheckpointAsync(name));
        await store.SaveCheckpointAsync(name, long.MaxValue);
        Assert.Equal(long.MaxValue, await other.LoadCheckpointAsync(name));

        await other.DeleteCheckpointAsync(name);
        Assert.Null(await store.LoadCheckpointAsync(name));
        Assert.Equal(7, await store.LoadCheckpointAsync("neighbour"));
        await store.DeleteCheckpointAsync(name);
        await store.DeleteCheckpointAsync("never-saved");

        await store.SaveCheckpointAsync(name, 5);
        Assert.Equal(5, await other.LoadCheckpointAsync(name));
    }

    /// <summary>A stream without a snapshot loads null.</summary>
    [Fact]
    public async Task A_missing_snapshot_loads_as_null()
    {
        var store = Snapshots(await OpenStoreAsync());
        await store.SaveSnapshotAsync(new Snapshot(NewStreamId(), 1, "state-v1", Json("{}")));

        Assert.Null(await store.LoadSnapshotAsync(NewStreamId()));
    }

    /// <summary>A saved snapshot loads with its stream, version, type and data, also in another instance; snapshots of other streams are independent.</summary>
    [Fact]
    public async Task A_saved_snapshot_loads_as_saved()
    {
        var store = Snapshots(await OpenStoreAsync());
        var other = Snapshots(await OpenStoreAsync());
        var stream = NewStreamId("order");
        var neighbour = NewStreamId("order");
        var data = Json("""{"status":"paid","customer":"Zoë ✓","lines":[{"sku":"a-1","quantity":2}]}""");

        await store.SaveSnapshotAsync(new Snapshot(stream, 12, "order-state-v2", data));
        await store.SaveSnapshotAsync(new Snapshot(neighbour, 3, "order-state-v2", Json("""{"status":"placed"}""")));

        foreach (var reader in new[] { store, other })
        {
            var loaded = await reader.LoadSnapshotAsync(stream);
            Assert.NotNull(loaded);
            Assert.Equal(stream, loaded.StreamId);
            Assert.Equal(12, loaded.Version);
            Assert.Equal("order-state-v2", loaded.Type);
            AssertSameJson(data, loaded.Data);
            Assert.Equal(3, (await reader.LoadSnapshotAsync(neighbour))?.Version);
        }
    }

    /// <summary>
    /// A snapshot of a higher version replaces the stream's snapshot, one of the same version replaces it too, one
    /// of a lower version never does (also when saved from another instance).
    /// </summary>
    [Fact]
    public async Task A_lower_snapshot_version_never_replaces_a_higher_one()
    {
        var store = Snapshots(await OpenStoreAsync());
        var other = Snapshots(await OpenStoreAsync());
        var stream = NewStreamId();

        await store.SaveSnapshotAsync(new Snapshot(stream, 5, "state", Json("""{"at":5}""")));
        await other.SaveSnapshotAsync(new Snapshot(stream, 9, "state", Json("""{"at":9}""")));
        await AssertSnapshotAsync(store, stream, 9, """{"at":9}""");

        await store.SaveSnapshotAsync(new Snapshot(stream, 7, "state", Json("""{"at":7}""")));
        await other.SaveSnapshotAsync(new Snapshot(stream, 1, "state", Json("""{"at":1}""")));
        await AssertSnapshotAsync(other, stream, 9, """{"at":9}""");

        await store.SaveSnapshotAsync(new Snapshot(stream, 9, "state", Json("""{"at":9,"again":true}""")));
        await AssertSnapshotAsync(other, stream, 9, """{"at":9,"again":true}""");

        await other.SaveSnapshotAsync(new Snapshot(stream, 20, "state-v2", Json("""{"at":20}""")));
        await AssertSnapshotAsync(store, stream, 20, """{"at":20}""");
        Assert.Equal("state-v2", (await store.LoadSnapshotAsync(stream))?.Type);
    }

    private static async Task AssertSnapshotAsync(ISnapshotStore store, string stream, long version, string json)
    {
        var loaded = await store.LoadSnapshotAsync(stream);
        Assert.NotNull(loaded);
        Assert.Equal(version, loaded.Version);
        AssertSameJson(Json(json), loaded.Data);
    }
}
