using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite;

/// <summary>
/// Gives every queue its own range of <c>sb_messages</c> rowids: queue number <c>n</c> owns
/// [<c>n &lt;&lt; 40</c>, <c>(n + 1) &lt;&lt; 40</c>), and a new message takes the highest rowid of its range plus one.
/// </summary>
/// <remarks>
/// A rowid comes back into use when the row at the top of its range is deleted. That is safe: a delivery is
/// settled by rowid and its random lease together, and a new row carries no lease. A queue without a number
/// (declared by a process from before the ranges) or whose range is full gets SQLite's own next rowid.
/// </remarks>
internal static class QueueRanges
{
    private const int RangeBits = 40;

    // The rows of sb_messages (aliased m) in the range of the queue whose sb_queues row is aliased q.
    private const string InRange = "m.seq >= q.number << 40 AND m.seq < (q.number + 1) << 40";

    /// <summary>
    /// The rowid of a new row for the queue whose <c>sb_queues</c> row is aliased <c>q</c>; NULL lets SQLite choose.
    /// A range is 2^40 rowids, room for about 10^12 messages sent while the queue's newest message waits; past that,
    /// SQLite's own rowid. The maximum over a range is one seek from its end.
    /// </summary>
    public const string NextRowid = $"""
        (SELECT nullif(coalesce(max(m.seq), q.number << 40) + 1, (q.number + 1) << 40) FROM sb_messages m WHERE {InRange})
        """;

    /// <summary>A queue's number and the highest rowid in its range: <c>$queue</c>; no row when it was never declared.</summary>
    public const string Range = $"""
        SELECT q.number, (SELECT max(m.seq) FROM sb_messages m WHERE {InRange}) FROM sb_queues q WHERE q.name = $queue
        """;

    /// <summary>The rowid after <paramref name="highest"/> in range <paramref name="number"/> (its first when empty); null when the range is full.</summary>
    public static long? Next(long number, long? highest) => After(highest ?? (number << RangeBits));

    /// <summary>The rowid after <paramref name="rowid"/> in its range; null when <paramref name="rowid"/> is the range's last.</summary>
    public static long? After(long rowid) => ((rowid + 1) >> RangeBits) == (rowid >> RangeBits) ? rowid + 1 : null;

    /// <summary>
    /// Declares queue <c>$queue</c> with the next free number, or numbers it if it had none. Idempotent. Numbers stop
    /// at 2^22 (a range past it would not fit in a rowid); a queue declared after that has none.
    /// </summary>
    public const string Declare = """
        INSERT INTO sb_queues (name, number)
        VALUES ($queue, (SELECT nullif(coalesce(max(number), 0) + 1, 4194305) FROM sb_queues))
        ON CONFLICT (name) DO UPDATE SET number = coalesce(sb_queues.number, excluded.number)
        """;

    /// <summary>Numbers the queues declared without one, in name order, inside the caller's write transaction.</summary>
    public static void NumberUnnumbered(SqliteConnection connection)
    {
        var names = new List<string>();
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT name FROM sb_queues WHERE number IS NULL ORDER BY name";
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                names.Add(reader.GetString(0));
            }
        }

        using var declare = connection.CreateCommand();
        declare.CommandText = Declare;
        var queue = declare.Parameters.Add(new SqliteParameter { ParameterName = "$queue" });
        foreach (var name in names)
        {
            queue.Value = name;
            declare.ExecuteNonQuery();
        }
    }
}
