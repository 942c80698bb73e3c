namespace Switchboard.Sqlite;

/// <summary>
/// A transactional send's insert on the caller's connection, in SQL alone: each row in its queue's range
/// (<see cref="QueueRanges"/>). The writer inserts through <see cref="Writing.MessageRows"/> instead.
/// </summary>
internal static class MessageInserts
{
    /// <summary>Into one declared queue. Parameters: <c>$queue</c>, <c>$visible_at</c>, <c>$ordering_key</c>, then the envelope. No row when the queue does not exist.</summary>
    public const string Send = $"""
        INSERT INTO sb_messages (seq, queue, visible_at, ordering_key, {SqliteSchema.EnvelopeColumnList})
        SELECT {QueueRanges.NextRowid}, q.name, $visible_at, $ordering_key, {EnvelopeColumns.ParameterList} FROM sb_queues q WHERE q.name = $queue
        """;

    /// <summary>One copy per subscribed queue. Parameters: <c>$topic</c>, <c>$visible_at</c>, <c>$ordering_key</c>, then the envelope. Returns the queues.</summary>
    public const string Publish = $"""
        INSERT INTO sb_messages (seq, queue, visible_at, ordering_key, {SqliteSchema.EnvelopeColumnList})
        SELECT {QueueRanges.NextRowid}, s.queue, $visible_at, $ordering_key, {EnvelopeColumns.ParameterList}
        FROM sb_subscriptions s LEFT JOIN sb_queues q ON q.name = s.queue WHERE s.topic = $topic
        RETURNING queue
        """;
}
