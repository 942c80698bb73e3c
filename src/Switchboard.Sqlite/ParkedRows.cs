using Microsoft.Data.Sqlite;
using Switchboard.Messages;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite;

/// <summary>
/// The parked rows of ordered queues (<see cref="OrderedRows.ParkedVisibleAt"/>), named by their dead letters'
/// <c>parked_seq</c>: re-driving a dead letter makes its row visible again where it was, so it runs before its key's
/// later messages; deleting the dead letter deletes the row, which frees the key.
/// </summary>
internal static class ParkedRows
{
    // The row's seq is checked with its queue and its parked state: nothing else may be changed through a stale seq.
    private const string Parked = $"queue = $queue AND visible_at = {OrderedRows.ParkedVisibleAtSql}";

    /// <summary>
    /// Makes the row parked at <paramref name="seq"/> visible now with the re-driven <paramref name="envelope"/>'s
    /// headers, as if never delivered; false when there is no such row.
    /// </summary>
    public static bool Redrive(WriteBatch batch, string queue, long seq, Envelope envelope)
    {
        using var command = batch.CreateCommand();
        command.CommandText = $"""
            UPDATE sb_messages SET headers = $headers, delivery_count = 0, visible_at = $now, lease = NULL
            WHERE seq = $seq AND {Parked}
            """;
        command.Parameters.AddWithValue("$headers", envelope.Headers.Count == 0 ? DBNull.Value : HeadersJson.Write(envelope.Headers));
        command.Parameters.AddWithValue("$now", batch.Now);
        command.Parameters.AddWithValue("$seq", seq);
        command.Parameters.AddWithValue("$queue", queue);
        if (command.ExecuteNonQuery() == 0)
        {
            return false;
        }

        batch.MessagesBecameVisible(queue);
        return true;
    }

    /// <summary>
    /// Deletes the rows parked by the dead letters of <paramref name="queue"/> that <paramref name="filter"/> selects
    /// (SQL on <c>sb_dead_letters</c> with <c>$queue</c> and <c>$id</c>, as the dead-letter queue's), before the dead
    /// letters themselves are deleted.
    /// </summary>
    public static void Delete(WriteBatch batch, string queue, string filter, string? id)
    {
        using var command = batch.CreateCommand();
        command.CommandText = $"""
            DELETE FROM sb_messages
            WHERE seq IN (SELECT parked_seq FROM sb_dead_letters WHERE queue = $queue AND parked_seq IS NOT NULL {filter}) AND {Parked}
            """;
        command.Parameters.AddWithValue("$queue", queue);
        if (id is not null)
        {
            command.Parameters.AddWithValue("$id", id);
        }

        if (command.ExecuteNonQuery() > 0)
        {
            batch.MessagesBecameVisible(queue);
        }
    }

    /// <summary>The keys of <paramref name="queue"/> that dead letters park, oldest dead letter first, with their waiting messages.</summary>
    public static IReadOnlyList<ParkedKey> List(SqliteConnection connection, string queue, int skip, int take)
    {
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT d.ordering_key, d.message_id,
                (SELECT COUNT(*) FROM sb_messages m WHERE m.queue = d.queue AND m.ordering_key = d.ordering_key AND m.seq <> d.parked_seq)
            FROM sb_dead_letters d
            WHERE d.queue = $queue AND d.parked_seq IS NOT NULL
            ORDER BY d.seq LIMIT $take OFFSET $skip
            """;
        command.Parameters.AddWithValue("$queue", queue);
        command.Parameters.AddWithValue("$take", take);
        command.Parameters.AddWithValue("$skip", skip);
        var keys = new List<ParkedKey>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            keys.Add(new ParkedKey(reader.GetString(0), queue, reader.GetString(1), reader.GetInt64(2)));
        }

        return keys;
    }
}
