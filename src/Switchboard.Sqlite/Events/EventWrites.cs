using Microsoft.Data.Sqlite;
using Switchboard.EventSourcing;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Events;

/// <summary>
/// The event store's writes, on the writer's open batch (a group commit, or a connection lent to a transaction).
/// The checks run where the writes do, inside the one write transaction of the file, so what they see cannot
/// change before the commit.
/// </summary>
internal static class EventWrites
{
    private const string Savepoint = "sb_append";

    /// <summary>Appends a validated batch, all or nothing; see <see cref="IEventStoreWriter.AppendAsync"/>.</summary>
    public static AppendResult Append(WriteBatch batch, string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events)
    {
        var current = StreamVersion(batch, streamId);
        if (!expected.IsSatisfiedBy(current))
        {
            // A retried append whose first attempt committed finds the stream moved on: that is a repeat, not a conflict.
            return FindRepeat(batch, streamId, events) ?? throw new WrongExpectedVersionException(streamId, expected, current);
        }

        // One INSERT is atomic on its own; a batch needs a savepoint so that a failure undoes this append alone,
        // not the other operations of the group commit.
        var atomic = events.Count > 1;
        if (atomic)
        {
            batch.Prepared("SAVEPOINT " + Savepoint).ExecuteNonQuery();
        }

        try
        {
            Insert(batch, streamId, current, events);
        }
        catch (SqliteException e) when (e.SqliteErrorCode == SQLitePCL.raw.SQLITE_CONSTRAINT)
        {
            UndoIf(atomic, batch);
            return FindRepeat(batch, streamId, events) ?? throw new InvalidOperationException($"Appending to '{streamId}' broke a constraint.", e);
        }
        catch
        {
            UndoIf(atomic, batch);
            throw;
        }

        if (atomic)
        {
            batch.Prepared("RELEASE " + Savepoint).ExecuteNonQuery();
        }

        batch.MessagesBecameVisible(EventSignal.Key);
        return new AppendResult(current + events.Count, batch.Kept(static connection => new EventInsert(connection)).LastPosition);
    }

    public static void SaveCheckpoint(WriteBatch batch, string name, long position)
    {
        var command = batch.Prepared("""
            INSERT INTO sb_event_checkpoints (name, position, updated_at) VALUES ($name, $position, $now)
            ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated_at = excluded.updated_at
            """, "$name", "$position", "$now");
        command.Parameters[0].Value = name;
        command.Parameters[1].Value = position;
        command.Parameters[2].Value = UnixMilliseconds.Now();
        command.ExecuteNonQuery();
    }

    public static void DeleteCheckpoint(WriteBatch batch, string name)
    {
        var command = batch.Prepared("DELETE FROM sb_event_checkpoints WHERE name = $name", "$name");
        command.Parameters[0].Value = name;
        command.ExecuteNonQuery();
    }

    /// <summary>Replaces the stream's snapshot unless the stored one has a higher version.</summary>
    public static void SaveSnapshot(WriteBatch batch, Snapshot snapshot)
    {
        var command = batch.Prepared("""
            INSERT INTO sb_event_snapshots (stream_id, version, type, data, saved_at) VALUES ($stream_id, $version, $type, $data, $now)
            ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, type = excluded.type, data = excluded.data, saved_at = excluded.saved_at
            WHERE excluded.version >= sb_event_snapshots.version
            """, "$stream_id", "$version", "$type", "$data", "$now");
        command.Parameters[0].Value = snapshot.StreamId;
        command.Parameters[1].Value = snapshot.Version;
        command.Parameters[2].Value = snapshot.Type;
        command.Parameters[3].Value = EventRows.AsArray(snapshot.Data);
        command.Parameters[4].Value = UnixMilliseconds.Now();
        command.ExecuteNonQuery();
    }

    private static void Insert(WriteBatch batch, string streamId, long current, IReadOnlyList<EventData> events)
    {
        var insert = batch.Kept(static connection => new EventInsert(connection));
        insert.Begin(streamId, StreamNames.Category(streamId), UnixMilliseconds.Now());
        for (var index = 0; index < events.Count; index++)
        {
            var data = events[index];
            insert.Run(current + index + 1, data.EventId, data.Type, data.Data.Span, EventMetadataJson.Write(data.Metadata));
        }
    }

    private static long StreamVersion(WriteBatch batch, string streamId)
    {
        var command = batch.Prepared("SELECT MAX(version) FROM sb_events WHERE stream_id = $stream_id", "$stream_id");
        command.Parameters[0].Value = streamId;
        return command.ExecuteScalar() is long version ? version : 0;
    }

    // The rare path (a conflict or a reused id), so it reads whole rows and lets the shared rules decide.
    private static AppendResult? FindRepeat(WriteBatch batch, string streamId, IReadOnlyList<EventData> events)
    {
        var command = batch.Prepared($"SELECT {EventStoreSchema.EventColumns} FROM sb_events WHERE event_id = $event_id", "$event_id");
        return AppendRules.FindRepeat(streamId, events, id =>
        {
            command.Parameters[0].Value = id;
            using var reader = command.ExecuteReader();
            return reader.Read() ? EventRows.Read(reader) : null;
        });
    }

    // Keeps the first error: after some I/O errors SQLite has already rolled back and the savepoint is gone.
    private static void UndoIf(bool atomic, WriteBatch batch)
    {
        if (!atomic)
        {
            return;
        }

        try
        {
            batch.Prepared("ROLLBACK TO " + Savepoint).ExecuteNonQuery();
            batch.Prepared("RELEASE " + Savepoint).ExecuteNonQuery();
        }
        catch (SqliteException)
        {
        }
    }
}
