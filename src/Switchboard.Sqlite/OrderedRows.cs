namespace Switchboard.Sqlite;

/// <summary>
/// How an ordered queue's rows of <c>sb_messages</c> keep each ordering key's line (<see cref="Transport.IOrderedTransport"/>).
/// A row has <em>started</em> once it was claimed (<c>delivery_count &gt; 0</c>): it is being handled, waits for a delayed
/// retry, was returned to the queue, or is parked behind a dead letter. A key has at most one started row, and the key's
/// other rows wait while it has one; otherwise its earliest visible row (lowest <c>seq</c>) is the next one claimed.
/// </summary>
/// <remarks>
/// The rule is checked inside the claim's update, which runs in the file's one write transaction: it holds across
/// processes, and a killed consumer's row keeps its key until its lease expires and it is claimed again. A message
/// scheduled for later does not start, so it does not hold its key until it is due and claimed.
/// </remarks>
internal static class OrderedRows
{
    /// <summary>
    /// The <c>visible_at</c> of a parked row: the started row of a key whose message was dead-lettered. It stays in the
    /// table, never visible, so that it keeps holding its key until the dead letter is re-driven (the row is then made
    /// visible again) or deleted (the row with it).
    /// </summary>
    public const long ParkedVisibleAt = long.MaxValue;

    /// <summary><see cref="ParkedVisibleAt"/> as an SQL literal.</summary>
    public const string ParkedVisibleAtSql = "9223372036854775807";

    /// <summary>
    /// Whether the row aliased <c>m</c>, visible at <c>?4</c>, may be claimed from an ordered queue: it has no key, or it
    /// has started already (it holds its key), or its key has no started row and no earlier visible row.
    /// </summary>
    public const string Claimable = """
        (m.ordering_key IS NULL OR m.delivery_count > 0 OR (
            NOT EXISTS (SELECT 1 FROM sb_messages e
                WHERE e.queue = m.queue AND e.ordering_key = m.ordering_key AND e.delivery_count > 0)
            AND NOT EXISTS (SELECT 1 FROM sb_messages e
                WHERE e.queue = m.queue AND e.ordering_key = m.ordering_key AND e.seq < m.seq AND e.visible_at <= ?4 AND e.delivery_count = 0)))
        """;
}
