using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;
using Switchboard.EventSourcing;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Events;

/// <summary>
/// One reader connection with its statements prepared once. In WAL mode a read sees the commits made before it
/// began and nothing later, and commits carry positions in increasing order (one writer), so a read never sees a
/// position while an earlier one is still to come.
/// </summary>
internal sealed class EventReader : IDisposable
{
    private const string Columns = EventStoreSchema.EventColumns;

    private readonly SqliteConnection _connection;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private readonly Dictionary<string, EventPageQuery> _pages = new(StringComparer.Ordinal);
    private RawStatement? _snapshot;

    public EventReader(SqliteConnection connection) => _connection = connection;

    public List<RecordedEvent> ReadStream(string streamId, long fromVersion, ReadDirection direction, int maxCount)
    {
        var query = Query(direction == ReadDirection.Forwards
            ? $"SELECT {Columns} FROM sb_events WHERE stream_id = ?1 AND version >= ?2 ORDER BY version LIMIT ?3"
            : $"SELECT {Columns} FROM sb_events WHERE stream_id = ?1 AND version <= ?2 ORDER BY version DESC LIMIT ?3");
        return query.ReadStream(streamId, fromVersion, maxCount);
    }

    public long StreamVersion(string streamId)
    {
        var command = Command("SELECT MAX(version) FROM sb_events WHERE stream_id = $stream_id", "$stream_id");
        command.Parameters[0].Value = streamId;
        return command.ExecuteScalar() is long version ? version : 0;
    }

    public long LastPosition() => Command("SELECT MAX(position) FROM sb_events").ExecuteScalar() is long position ? position : 0;

    /// <summary>
    /// A page of all events. The page and the end it reports come from one read transaction, so a page that is not
    /// full ends exactly where this snapshot of the file ends, past events the filter left out.
    /// </summary>
    public EventPage ReadAll(long afterPosition, int maxCount, EventFilter filter)
    {
        Command("BEGIN").ExecuteNonQuery();
        try
        {
            var (query, values) = PageQuery(filter);
            var events = query.Read(afterPosition, maxCount, values);
            return events.Count == maxCount
                ? new EventPage(events, events[^1].Position, IsEnd: false)
                : new EventPage(events, Math.Max(afterPosition, LastPosition()), IsEnd: true);
        }
        finally
        {
            Command("COMMIT").ExecuteNonQuery();
        }
    }

    public long CountAfter(long position, long limit)
    {
        var command = Command("SELECT COUNT(*) FROM (SELECT 1 FROM sb_events WHERE position > $position LIMIT $limit)", "$position", "$limit");
        command.Parameters[0].Value = position;
        command.Parameters[1].Value = limit;
        return (long)command.ExecuteScalar()!;
    }

    public long? LoadCheckpoint(string name)
    {
        var command = Command("SELECT position FROM sb_event_checkpoints WHERE name = $name", "$name");
        command.Parameters[0].Value = name;
        return command.ExecuteScalar() is long position ? position : null;
    }

    public Snapshot? LoadSnapshot(string streamId)
    {
        // Raw: an aggregate with snapshots looks for one at every load.
        _snapshot ??= new RawStatement(_connection, "SELECT version, type, data FROM sb_event_snapshots WHERE stream_id = ?1");
        var row = _snapshot.Bind(1, streamId).QueryFirst<(long Version, string Type, byte[] Data)?>(static r => (r.Int64(0), r.Text(1), r.Blob(2)), null);
        return row is { } found ? new Snapshot(streamId, found.Version, found.Type, found.Data) : null;
    }

    public void Dispose()
    {
        foreach (var command in _commands.Values)
        {
            command.Dispose();
        }

        foreach (var query in _pages.Values)
        {
            query.Dispose();
        }

        _snapshot?.Dispose();

        _connection.Dispose();
    }

    // One category walks the (category, position) index in order. Several would make SQLite merge index ranges and
    // sort everything after the position for every page, so they (and type filters) scan by position instead: a
    // reader continues where the previous page ended, so the scans add up to one pass over the events.
    private (EventPageQuery Query, List<string> Values) PageQuery(EventFilter filter)
    {
        var categories = filter.Categories ?? [];
        var types = filter.EventTypes ?? [];
        var sql = new StringBuilder($"SELECT {Columns} FROM sb_events WHERE position > ?1");
        var values = new List<string>(categories.Count + types.Count);
        if (categories.Count == 1)
        {
            sql.Append(" AND category = ?3");
            values.Add(categories[0]);
        }
        else if (categories.Count > 1)
        {
            sql.Append(" AND +category IN (").AppendJoin(", ", categories.Select((_, i) => Parameter(values.Count + i))).Append(')');
            values.AddRange(categories);
        }

        if (types.Count > 0)
        {
            sql.Append(" AND type IN (").AppendJoin(", ", types.Select((_, i) => Parameter(values.Count + i))).Append(')');
            values.AddRange(types);
        }

        sql.Append(" ORDER BY position LIMIT ?2");
        return (Query(sql.ToString()), values);
    }

    private EventPageQuery Query(string sql)
    {
        if (!_pages.TryGetValue(sql, out var query))
        {
            query = new EventPageQuery(_connection, sql);
            _pages[sql] = query;
        }

        return query;
    }

    private static string Parameter(int index) => "?" + (index + 3).ToString(CultureInfo.InvariantCulture);

    private SqliteCommand Command(string sql, params string[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            foreach (var name in parameters)
            {
                command.Parameters.Add(new SqliteParameter { ParameterName = name });
            }

            _commands[sql] = command;
        }

        return command;
    }
}
