namespace Switchboard.PostgreSql;

/// <summary>The store's statements for one schema (every table name schema-qualified, so the search path never matters).</summary>
internal sealed class StoreSql
{
    public StoreSql(string schema)
    {
        var s = PostgreSqlNames.Quote(schema);
        RecordHandled = $"INSERT INTO {s}.inbox (endpoint, message_id, handled_at) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
        WasHandled = $"SELECT EXISTS (SELECT 1 FROM {s}.inbox WHERE endpoint = $1 AND message_id = $2)";
        PurgeInbox = $"DELETE FROM {s}.inbox WHERE handled_at < $1";
        LoadSaga = $"SELECT version, state, completed FROM {s}.sagas WHERE saga = $1 AND key = $2";
        InsertSaga = $"INSERT INTO {s}.sagas (saga, key, version, state, completed, updated_at) VALUES ($1, $2, 1, $3, $4, $5) ON CONFLICT DO NOTHING";
        UpdateSaga = $"UPDATE {s}.sagas SET version = $3 + 1, state = $4, completed = $5, updated_at = $6 WHERE saga = $1 AND key = $2 AND version = $3";

        // The same writes for a deferred unit of work's commit batch, which runs in one implicit transaction: a write
        // that changes no row (a concurrency conflict) fails with division_by_zero, so the whole batch rolls back.
        RecordHandledChecked = Checked(RecordHandled);
        InsertSagaChecked = Checked(InsertSaga);
        UpdateSagaChecked = Checked(UpdateSaga);

        // A message id already in the outbox is replaced, as in the in-memory store (ids are unique; this only happens
        // when a handler sends the same envelope again before the first copy went out).
        Enlist = $"""
            INSERT INTO {s}.outbox ({OutboxColumns.InsertList}, created_at, due_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13)
            ON CONFLICT (message_id) DO UPDATE SET
                kind = excluded.kind, destination = excluded.destination, message_type = excluded.message_type,
                correlation_id = excluded.correlation_id, causation_id = excluded.causation_id,
                traceparent = excluded.traceparent, sent_at = excluded.sent_at, content_type = excluded.content_type,
                headers = excluded.headers, body = excluded.body, deliver_at = excluded.deliver_at,
                created_at = excluded.created_at, due_at = excluded.due_at, attempts = 0, last_error = NULL,
                quarantined = false
            """;

        // $1 now, $2 now - minimum age, $3 max, $4 claimed until. SKIP LOCKED: rows another relay is claiming right
        // now are its own; once it commits, their due time is in the future.
        ClaimDue = $"""
            WITH due AS (
                SELECT message_id FROM {s}.outbox
                WHERE NOT quarantined AND due_at <= $1 AND created_at <= $2
                ORDER BY created_at, seq
                LIMIT $3
                FOR UPDATE SKIP LOCKED)
            UPDATE {s}.outbox AS o SET due_at = $4
            FROM due WHERE o.message_id = due.message_id
            RETURNING {Prefixed("o.", OutboxColumns.SelectList)}, o.seq
            """;
        MarkDispatched = $"DELETE FROM {s}.outbox WHERE message_id = ANY($1)";
        MarkFailed = $"UPDATE {s}.outbox SET attempts = attempts + 1, last_error = $2, due_at = $3, quarantined = $4 WHERE message_id = $1";
        Statistics = $"""
            SELECT count(*) FILTER (WHERE NOT quarantined), min(created_at) FILTER (WHERE NOT quarantined), count(*) FILTER (WHERE quarantined)
            FROM {s}.outbox
            """;
        ListQuarantined = $"SELECT {OutboxColumns.SelectList} FROM {s}.outbox WHERE quarantined ORDER BY created_at, seq LIMIT $1";
        ReleaseAllQuarantined = $"UPDATE {s}.outbox SET quarantined = false, due_at = $1, attempts = 0 WHERE quarantined";
        ReleaseQuarantined = $"UPDATE {s}.outbox SET quarantined = false, due_at = $1, attempts = 0 WHERE quarantined AND message_id = ANY($2)";
    }

    public string RecordHandled { get; }

    public string RecordHandledChecked { get; }

    public string WasHandled { get; }

    public string PurgeInbox { get; }

    public string LoadSaga { get; }

    public string InsertSaga { get; }

    public string UpdateSaga { get; }

    public string InsertSagaChecked { get; }

    public string UpdateSagaChecked { get; }

    public string Enlist { get; }

    public string ClaimDue { get; }

    public string MarkDispatched { get; }

    public string MarkFailed { get; }

    public string Statistics { get; }

    public string ListQuarantined { get; }

    public string ReleaseAllQuarantined { get; }

    public string ReleaseQuarantined { get; }

    /// <summary>
    /// <paramref name="write"/> (an INSERT or UPDATE of at most one row) as a statement that fails with
    /// <c>division_by_zero</c> (22012) when it wrote nothing. The comment shows in the server log with the error.
    /// </summary>
    private static string Checked(string write) =>
        $"/* switchboard: 1/0 when nothing was written (a concurrency conflict): the batch rolls back */ WITH written AS ({write} RETURNING 1) SELECT 1 / count(*) FROM written";

    /// <summary>
    /// A handler's <paramref name="write"/> (one INSERT, UPDATE or DELETE without a RETURNING clause of its own) as a
    /// statement that fails with <c>division_by_zero</c> (22012) when it did not change exactly
    /// <paramref name="expectedRows"/> rows.
    /// </summary>
    public static string CheckedWrite(string write, int expectedRows) =>
        $"/* switchboard: 1/0 when the write did not change {expectedRows} row(s): the batch rolls back */ WITH written AS ({write.TrimEnd().TrimEnd(';')} RETURNING 1) SELECT 1 / (CASE count(*) WHEN {expectedRows.ToString(System.Globalization.CultureInfo.InvariantCulture)} THEN 1 ELSE 0 END) FROM written";

    private static string Prefixed(string prefix, string columns) => string.Join(", ", columns.Split(", ").Select(c => prefix + c));
}
