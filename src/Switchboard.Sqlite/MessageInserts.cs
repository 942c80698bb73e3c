namespace Switchboard.Sqlite;

/// <summary>The two ways a message enters <c>sb_messages</c>, shared by the writer and by transactional sends.</summary>
internal static class MessageInserts
{
    /// <summary>Into one declared queue. Parameters: <c>$queue</c>, <c>$visible_at</c>, then the envelope. No row when the queue does not exist.</summary>
    public const string Send = $"""
        INSERT INTO sb_messages (queue, visible_at, {SqliteSchema.EnvelopeColumnList})
        SELECT $queue, $visible_at, {EnvelopeColumns.ParameterList} WHERE EXISTS (SELECT 1 FROM sb_queues WHERE name = $queue)
        """;

    /// <summary>One copy per subscribed queue. Parameters: <c>$topic</c>, <c>$visible_at</c>, then the envelope. Returns the queues.</summary>
    public const string Publish = $"""
        INSERT INTO sb_messages (queue, visible_at, {SqliteSchema.EnvelopeColumnList})
        SELECT s.queue, $visible_at, {EnvelopeColumns.ParameterList} FROM sb_subscriptions s WHERE s.topic = $topic
        RETURNING queue
        """;
}
