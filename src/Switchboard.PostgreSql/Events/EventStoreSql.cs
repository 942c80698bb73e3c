using Switchboard.EventSourcing;

namespace Switchboard.PostgreSql;

/// <summary>The event store's statements for one schema (every name schema-qualified, so the search path never matters).</summary>
internal sealed class EventStoreSql
{
    /// <summary>The most events one transaction can append: positions keep 20 bits for the ordinal.</summary>
    public const int MaxEventsPerTransaction = 1 << 20;

    /// <summary>The columns <see cref="EventColumns.Read"/> expects, in order.</summary>
    public const string EventColumnList = "position, stream_id, version, event_id, type, data, metadata, created";

    // The readers' bound: positions below it belong to transactions with an id below the snapshot's xmin, which have
    // all ended (committed or rolled back), and every transaction that can still commit has an id of at least xmin, so
    // nothing can ever appear below the bound. pg_current_snapshot() is the statement's own snapshot, the one the scan
    // reads with.
    private const string Bound = "(pg_snapshot_xmin(pg_current_snapshot())::text::bigint << 20)";

    // Indexed by AppendIndex: the expected version's kind, single-event form, checked form.
    private readonly string[] _appends = new string[16];
    private readonly string[] _readAll = new string[4];

    public EventStoreSql(string schema)
    {
        var s = PostgreSqlNames.Quote(schema);
        Channel = NotificationChannel(schema);
        // NOTIFY gives its transaction an id, so it commits with a WAL record, and it holds PostgreSQL's notification
        // lock until its commit ends: with synchronous_commit off for this transaction alone, that commit does not wait
        // for the disk (a notification is never durable anyway), and notifying stays cheap and short.
        Notify = $"SELECT set_config('synchronous_commit', 'off', true), pg_notify('{Channel}', '')";

        // One statement per append: look for the batch's ids; unless one is there, move the stream's version (the
        // row lock orders appends to one stream; under READ COMMITTED a waiting UPDATE or ON CONFLICT re-checks the
        // committed row) and insert at positions (transaction id << 20) + ordinal. The rows out: the outcome (true) or
        // the ids already stored (false). $1 stream, $2 category, $3 ids, $4 types, $5 data, $6 metadata (arrays, or
        // scalars in the single-event form), $7 count, $8 created, $9 the first event's ordinal in its transaction
        // (counted by the store: 0 for an autocommit append), $10 expected version (Exact only).
        // An id committed by a concurrent append after this statement's snapshot fails the insert (23505), and the
        // caller asks again. The checked form, for appends that join a unit of work of the message store (see
        // AppendFor), answers one row instead, and fails when the append lost.
        // Only scalar parameters in the single-event form, and no function: PostgreSQL's plan cache settles on one
        // generic plan (unique-index lookups) instead of planning each execution again, as it does when an array's
        // length changes the estimates.
        var guard = "NOT EXISTS (SELECT 1 FROM dup)";
        string[] streams =
        [
            $"""
            INSERT INTO {s}.event_streams AS st (stream_id, version) SELECT $1, $7 WHERE {guard}
            ON CONFLICT (stream_id) DO UPDATE SET version = st.version + excluded.version RETURNING st.version
            """,
            $"""
            INSERT INTO {s}.event_streams (stream_id, version) SELECT $1, $7 WHERE {guard}
            ON CONFLICT (stream_id) DO NOTHING RETURNING version
            """,
            $"""
            UPDATE {s}.event_streams SET version = version + $7 WHERE stream_id = $1 AND {guard} RETURNING version
            """,
            $"""
            UPDATE {s}.event_streams SET version = version + $7 WHERE stream_id = $1 AND version = $10 AND {guard} RETURNING version
            """,
        ];
        foreach (var kind in new[] { ExpectedVersionKind.Any, ExpectedVersionKind.NoStream, ExpectedVersionKind.StreamExists, ExpectedVersionKind.Exact })
        {
            foreach (var single in new[] { false, true })
            {
                foreach (var check in new[] { false, true })
                {
                    _appends[AppendIndex(kind, single, check)] = Append(s, streams[(int)kind], single, check);
                }
            }
        }

        StreamVersion = $"SELECT version FROM {s}.event_streams WHERE stream_id = $1";
        FindEvents = $"SELECT event_id, stream_id, version, position FROM {s}.events WHERE event_id = ANY($1)";
        ReadForwards = $"SELECT {EventColumnList} FROM {s}.events WHERE stream_id = $1 AND version >= $2 ORDER BY version LIMIT $3";
        ReadBackwards = $"SELECT {EventColumnList} FROM {s}.events WHERE stream_id = $1 AND version <= $2 ORDER BY version DESC LIMIT $3";

        // $1 after, $2 max, $3 categories, $4 types. Always one row at least: the bound, with the events (if any)
        // joined to it.
        for (var filter = 0; filter < 4; filter++)
        {
            var where = "e.position > $1 AND e.position < b.bound"
                + ((filter & 1) != 0 ? " AND e.category = ANY($3)" : "")
                + ((filter & 2) != 0 ? " AND e.type = ANY($4)" : "");
            _readAll[filter] = $"""
                SELECT b.bound, r.* FROM (SELECT {Bound} AS bound) AS b
                LEFT JOIN LATERAL (
                    SELECT {Prefixed("e.", EventColumnList)} FROM {s}.events AS e
                    WHERE {where} ORDER BY e.position LIMIT $2) AS r ON true
                ORDER BY r.position
                """;
        }

        BoundNow = $"SELECT {Bound}";

        // $1 after, $2 limit.
        CountAfter = $"SELECT count(*) FROM (SELECT 1 FROM {s}.events WHERE position > $1 AND position < {Bound} LIMIT $2) AS c";
        AnyAfter = $"SELECT EXISTS (SELECT 1 FROM {s}.events WHERE position > $1 AND position < {Bound})";

        LoadCheckpoint = $"SELECT position FROM {s}.event_checkpoints WHERE name = $1";
        SaveCheckpoint = $"""
            INSERT INTO {s}.event_checkpoints (name, position, updated) VALUES ($1, $2, $3)
            ON CONFLICT (name) DO UPDATE SET position = excluded.position, updated = excluded.updated
            """;
        DeleteCheckpoint = $"DELETE FROM {s}.event_checkpoints WHERE name = $1";
        LoadSnapshot = $"SELECT version, type, data FROM {s}.event_snapshots WHERE stream_id = $1";
        SaveSnapshot = $"""
            INSERT INTO {s}.event_snapshots AS sn (stream_id, version, type, data, updated) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT (stream_id) DO UPDATE SET version = excluded.version, type = excluded.type, data = excluded.data, updated = excluded.updated
            WHERE sn.version <= excluded.version
            """;
    }

    /// <summary>The <c>LISTEN</c>/<c>NOTIFY</c> channel of the schema's appends.</summary>
    public string Channel { get; }

    /// <summary>Wakes the schema's listeners.</summary>
    public string Notify { get; }

    /// <summary>
    /// Waits for the stream's lock (<c>$1</c> the stream id) until the transaction ends, without giving the transaction
    /// an id. Run before an append's statement in the same transaction, it makes appends to one stream take their
    /// transaction ids, and so their positions, in the order of their versions: an append that waits on the stream's
    /// row instead already holds an id taken before it waited, and a later-numbered append that got the row first would
    /// end up with the lower versions at the higher positions. Advisory locks of two keys (this class) do not overlap
    /// the one-key locks of migrations.
    /// </summary>
    public const string StreamLock = "SELECT pg_catalog.pg_advisory_xact_lock(1397850691, pg_catalog.hashtext($1))";

    public string StreamVersion { get; }

    /// <summary>The stored events with ids in $1 (an array): event id, stream, version, position.</summary>
    public string FindEvents { get; }

    /// <summary>The readers' bound alone.</summary>
    public string BoundNow { get; }

    public string ReadForwards { get; }

    public string ReadBackwards { get; }

    public string CountAfter { get; }

    public string AnyAfter { get; }

    public string LoadCheckpoint { get; }

    public string SaveCheckpoint { get; }

    public string DeleteCheckpoint { get; }

    public string LoadSnapshot { get; }

    public string SaveSnapshot { get; }

    /// <summary>
    /// The append statement for an expected version's kind: the single-event form (scalar parameters) or the batch
    /// form (arrays). Checked: the form for a batch that runs as one implicit transaction (a deferred unit of work's
    /// commit), where only a failed statement can roll the others back. It answers one row, whose value means nothing,
    /// when it appended, or when it repeats an earlier append exactly (every id in this stream, consecutive, in this
    /// order: <see cref="AppendResult.AlreadyAppended"/>) and so has nothing to write. Otherwise it fails: with
    /// <c>division_by_zero</c> when the stream is not at the expected version (as
    /// <see cref="StoreSql.RecordHandledChecked"/>), with <c>cardinality_violation</c> when one of its ids is in use.
    /// </summary>
    public string AppendFor(ExpectedVersionKind kind, bool single, bool check = false) => _appends[AppendIndex(kind, single, check)];

    private static int AppendIndex(ExpectedVersionKind kind, bool single, bool check) => (int)kind | (single ? 4 : 0) | (check ? 8 : 0);

    /// <summary>The read of all events for a filter.</summary>
    public string ReadAllFor(bool byCategory, bool byType) => _readAll[(byCategory ? 1 : 0) | (byType ? 2 : 0)];

    /// <summary>
    /// A channel name per schema: an identifier of at most 63 bytes whatever the schema's name, so a stable hash
    /// (FNV-1a) of it rather than the name itself.
    /// </summary>
    public static string NotificationChannel(string schema)
    {
        var hash = StableHash.Of("switchboard.postgresql.events:" + schema);
        return "switchboard_events_" + hash.ToString("x16", System.Globalization.CultureInfo.InvariantCulture);
    }

    private static string Append(string s, string stream, bool single, bool check)
    {
        // (transaction id << 20) + ordinal, as a multiplication: it fails (22003, out of range) for transaction ids of
        // 2^43 and more, whose positions would not fit a bigint, where a shift would wrap around.
        const string First = "pg_current_xact_id()::text::bigint * 1048576 + $9";
        var dup = single ? "event_id = $3" : "event_id = ANY($3)";
        var insert = single
            ? $"SELECT {First}, $1, stream.version, $3, $4, $2, $5, $6, $8 FROM stream"
            : $"""
              SELECT {First} + e.n - 1, $1, stream.version - $7 + e.n, e.id, e.type, $2, e.data, e.metadata, $8
                  FROM stream, unnest($3::text[], $4::text[], $5::bytea[], $6::jsonb[]) WITH ORDINALITY AS e(id, type, data, metadata, n)
              """;
        // The rows of dup repeat the batch exactly: all of its ids, in this stream, at consecutive versions in the
        // batch's order (what EventAppend decides from the unchecked form's rows).
        var repeat = single
            ? "EXISTS (SELECT 1 FROM dup WHERE stream_id = $1)"
            : """
              (SELECT count(*) = $7 AND bool_and(d.stream_id = $1) AND count(DISTINCT d.version - e.n) = 1
                  FROM dup AS d JOIN unnest($3::text[]) WITH ORDINALITY AS e(id, n) ON e.id = d.event_id)
              """;
        // Checked: a scalar subquery of two rows or more fails with cardinality_violation, 1 / 0 with division_by_zero.
        var outcome = check
            ? $"""
              SELECT CASE
                  WHEN EXISTS (SELECT 1 FROM stream) OR {repeat} THEN 1
                  WHEN EXISTS (SELECT 1 FROM dup) THEN (SELECT 1 FROM dup UNION ALL SELECT 1)
                  ELSE 1 / (SELECT count(*) FROM stream)
              END
              """
            : $"""
              SELECT true, stream.version, {First} + $7 - 1, NULL::text, NULL::text FROM stream
              UNION ALL
              SELECT false, version, position, event_id, stream_id FROM dup
              """;
        return $"""
            WITH dup AS (
                SELECT event_id, stream_id, version, position FROM {s}.events WHERE {dup}
            ), stream AS (
                {stream}
            ), ins AS (
                INSERT INTO {s}.events (position, stream_id, version, event_id, type, category, data, metadata, created)
                {insert}
            )
            {outcome}
            """;
    }

    private static string Prefixed(string prefix, string columns) => string.Join(", ", columns.Split(", ").Select(c => prefix + c));
}
