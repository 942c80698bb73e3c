using Microsoft.Data.Sqlite;

namespace Switchboard.Sqlite.Writing;

/// <summary>The writer connection's prepared statements, reused for every operation.</summary>
internal sealed class Statements : IDisposable
{
    private const string Envelope = SqliteSchema.EnvelopeColumnList;
    private const string Values = EnvelopeColumns.ParameterList;

    public Statements(SqliteConnection connection)
    {
        Insert = new MessageInsert(connection);
        QueueRange = Create(connection, QueueRanges.Range, "$queue");
        Subscribers = Create(connection, "SELECT queue FROM sb_subscriptions WHERE topic = $topic", "$topic");
        Ordered = Create(connection, "SELECT ordered FROM sb_queues WHERE name = $queue", "$queue");
        // Past now: on an ordered queue, a visible row may wait for its key, and only a settlement (which wakes the
        // receivers) lets it go. Parked rows are never due.
        NextVisible = Create(connection, $"""
            SELECT MIN(visible_at) FROM sb_messages WHERE queue = $queue AND visible_at > $now AND visible_at < {OrderedRows.ParkedVisibleAtSql}
            """, "$queue", "$now");
        Complete = Create(connection, "DELETE FROM sb_messages WHERE seq = $seq AND lease = $lease", "$seq", "$lease");
        Abandon = Create(connection, "UPDATE sb_messages SET visible_at = $at, lease = NULL WHERE seq = $seq AND lease = $lease", "$seq", "$lease", "$at");
        Defer = Create(connection, "UPDATE sb_messages SET visible_at = $at, lease = NULL, headers = $headers WHERE seq = $seq AND lease = $lease", "$seq", "$lease", "$at", "$headers");
        Park = Create(connection, $"""
            UPDATE sb_messages SET visible_at = {OrderedRows.ParkedVisibleAtSql}, lease = NULL
            WHERE seq = $seq AND lease = $lease AND ordering_key IS NOT NULL
            RETURNING ordering_key
            """, "$seq", "$lease");
        Renew = Create(connection, "UPDATE sb_messages SET visible_at = $until WHERE seq = $seq AND lease = $lease", "$seq", "$lease", "$until");
        InsertDeadLetter = Create(connection, $"""
            INSERT INTO sb_dead_letters (queue, dead_lettered_at, ordering_key, parked_seq, {Envelope})
            VALUES ($queue, $at, $ordering_key, $parked_seq, {Values})
            """, "$queue", "$at", "$ordering_key", "$parked_seq");
    }

    /// <summary>A message's row. Used through <see cref="MessageRows"/>.</summary>
    public MessageInsert Insert { get; }

    /// <summary>$queue; see <see cref="QueueRanges.Range"/>.</summary>
    public SqliteCommand QueueRange { get; }

    /// <summary>$topic; the subscribed queues.</summary>
    public SqliteCommand Subscribers { get; }

    /// <summary>$queue; its <c>ordered</c> flag. Used through <see cref="OrderedQueues"/>.</summary>
    public SqliteCommand Ordered { get; }

    /// <summary>$queue, $now; when the queue's next row not visible yet becomes visible (null: none).</summary>
    public SqliteCommand NextVisible { get; }

    public SqliteCommand Complete { get; }

    public SqliteCommand Abandon { get; }

    public SqliteCommand Defer { get; }

    /// <summary>$seq, $lease; parks a keyed row (<see cref="OrderedRows.ParkedVisibleAt"/>) and returns its key.</summary>
    public SqliteCommand Park { get; }

    public SqliteCommand Renew { get; }

    /// <summary>$queue, $at, $ordering_key, $parked_seq, then the envelope.</summary>
    public SqliteCommand InsertDeadLetter { get; }

    private SqliteCommand[] All => [QueueRange, Subscribers, Ordered, NextVisible, Complete, Abandon, Defer, Park, Renew, InsertDeadLetter];

    /// <summary>Points every statement at the batch's transaction.</summary>
    public void Enlist(SqliteTransaction transaction)
    {
        foreach (var command in All)
        {
            command.Transaction = transaction;
        }
    }

    public void Dispose()
    {
        foreach (var command in All)
        {
            command.Dispose();
        }

        Insert.Dispose();
    }

    private static SqliteCommand Create(SqliteConnection connection, string sql, params string[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var name in parameters)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = name });
        }

        if (sql.Contains("$message_id", StringComparison.Ordinal))
        {
            EnvelopeColumns.AddParameters(command);
        }

        return command;
    }
}
