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
        NextVisible = Create(connection, "SELECT MIN(visible_at) FROM sb_messages WHERE queue = $queue", "$queue");
        Complete = Create(connection, "DELETE FROM sb_messages WHERE seq = $seq AND lease = $lease", "$seq", "$lease");
        Abandon = Create(connection, "UPDATE sb_messages SET visible_at = $at, lease = NULL WHERE seq = $seq AND lease = $lease", "$seq", "$lease", "$at");
        Defer = Create(connection, "UPDATE sb_messages SET visible_at = $at, lease = NULL, headers = $headers WHERE seq = $seq AND lease = $lease", "$seq", "$lease", "$at", "$headers");
        Renew = Create(connection, "UPDATE sb_messages SET visible_at = $until WHERE seq = $seq AND lease = $lease", "$seq", "$lease", "$until");
        InsertDeadLetter = Create(connection, $"""
            INSERT INTO sb_dead_letters (queue, dead_lettered_at, {Envelope}) VALUES ($queue, $at, {Values})
            """, "$queue", "$at");
    }

    /// <summary>A message's row. Used through <see cref="MessageRows"/>.</summary>
    public MessageInsert Insert { get; }

    /// <summary>$queue; see <see cref="QueueRanges.Range"/>.</summary>
    public SqliteCommand QueueRange { get; }

    /// <summary>$topic; the subscribed queues.</summary>
    public SqliteCommand Subscribers { get; }

    public SqliteCommand NextVisible { get; }

    public SqliteCommand Complete { get; }

    public SqliteCommand Abandon { get; }

    public SqliteCommand Defer { get; }

    public SqliteCommand Renew { get; }

    /// <summary>$queue, $at, then the envelope.</summary>
    public SqliteCommand InsertDeadLetter { get; }

    private SqliteCommand[] All => [QueueRange, Subscribers, NextVisible, Complete, Abandon, Defer, Renew, InsertDeadLetter];

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
