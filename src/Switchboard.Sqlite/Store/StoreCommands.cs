using Microsoft.Data.Sqlite;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Store;

/// <summary>The store's statements, on whichever connection runs them (a reader, or the writer's batch).</summary>
internal static class StoreCommands
{
    private const string OutboxInsert = $"""
        INSERT INTO sb_outbox (kind, destination, deliver_at, created_at, due_at, {SqliteSchema.EnvelopeColumnList})
        VALUES ($kind, $destination, $deliver_at, $now, $now, {EnvelopeColumns.ParameterList})
        """;

    // The unit of work's savepoint; its statements are constants so that the batch finds them prepared without
    // building a string per unit.
    private const string UnitSavepoint = "SAVEPOINT sb_unit";
    private const string UnitRelease = "RELEASE sb_unit";
    private const string UnitRollback = "ROLLBACK TO sb_unit";

    /// <summary>Opens the unit of work's savepoint in the writer's batch (prepared once, unlike <c>SqliteTransaction.Save</c>).</summary>
    public static void SavepointUnit(WriteBatch batch) => batch.Raw(UnitSavepoint).Execute();

    public static void ReleaseUnit(WriteBatch batch) => batch.Raw(UnitRelease).Execute();

    public static void RollbackUnit(WriteBatch batch)
    {
        batch.Prepared(UnitRollback).ExecuteNonQuery();
        ReleaseUnit(batch);
    }

    public const string WasHandledSql = "SELECT 1 FROM sb_inbox WHERE endpoint = ?1 AND message_id = ?2";

    public const string LoadSagaSql = "SELECT version, state, completed FROM sb_sagas WHERE saga = ?1 AND key = ?2";

    /// <summary>Runs a handler's statement in the batch; a row count other than expected throws <see cref="ConcurrencyConflictException"/>.</summary>
    public static void RunWrite(WriteBatch batch, StoreWrite write) =>
        batch.Kept(connection => new HandlerStatements(connection)).Run(batch.Transaction, write);

    /// <summary>False when the endpoint had recorded the message already.</summary>
    public static bool RecordHandled(WriteBatch batch, string endpoint, string messageId)
    {
        return batch.Raw("INSERT OR IGNORE INTO sb_inbox (endpoint, message_id, handled_at) VALUES (?1, ?2, ?3)")
            .Bind(1, endpoint).Bind(2, messageId).Bind(3, batch.Now).Execute() == 1;
    }

    /// <summary>Whether <paramref name="endpoint"/> recorded <paramref name="messageId"/>, through <paramref name="statement"/> (of <see cref="WasHandledSql"/>).</summary>
    public static bool WasHandled(RawStatement statement, string endpoint, string messageId) =>
        statement.Bind(1, endpoint).Bind(2, messageId).QueryFirst(static _ => true, false);

    /// <summary>The saga instance, through <paramref name="statement"/> (of <see cref="LoadSagaSql"/>, on a reader or the writer's connection).</summary>
    public static SagaRecord? LoadSaga(RawStatement statement, string saga, string key)
    {
        var row = statement.Bind(1, saga).Bind(2, key).QueryFirst<(long Version, string State, bool Completed)?>(
            static r => (r.Int64(0), r.Text(1), r.Int64(2) != 0), null);
        return row is { } found ? new SagaRecord(saga, key, found.Version, found.State, found.Completed) : null;
    }

    /// <summary>Inserts (expected version 0) or updates the instance at the expected version.</summary>
    /// <exception cref="ConcurrencyConflictException">It was created or changed meanwhile.</exception>
    public static void SaveSaga(WriteBatch batch, SagaRecord record, long expectedVersion)
    {
        var statement = batch.Raw(expectedVersion == 0
            ? "INSERT OR IGNORE INTO sb_sagas (saga, key, version, state, completed, updated_at) VALUES (?1, ?2, 1, ?3, ?4, ?5)"
            : "UPDATE sb_sagas SET version = ?6 + 1, state = ?3, completed = ?4, updated_at = ?5 WHERE saga = ?1 AND key = ?2 AND version = ?6");
        statement.Bind(1, record.Saga).Bind(2, record.Key).Bind(3, record.State).Bind(4, record.Completed ? 1 : 0).Bind(5, batch.Now);
        if (expectedVersion != 0)
        {
            statement.Bind(6, expectedVersion);
        }

        if (statement.Execute() == 0)
        {
            throw new ConcurrencyConflictException(expectedVersion == 0
                ? $"Saga '{record.Saga}' {record.Key} was created by another unit of work."
                : $"Saga '{record.Saga}' {record.Key} is no longer at version {expectedVersion}.");
        }
    }

    /// <summary>Into the transport's own tables (they share the file) or into the outbox.</summary>
    public static void Enlist(WriteBatch batch, OutgoingMessage message, bool direct)
    {
        var visibleAt = message.DeliverAt is { } at ? UnixMilliseconds.DueAt(at) : 0;
        if (direct)
        {
            WriteOperation operation = message.Kind == OutgoingKind.Send
                ? new SendOperation(message.Destination, message.Envelope, visibleAt)
                : new PublishOperation(message.Destination, message.Envelope, visibleAt);
            operation.Execute(batch);
            return;
        }

        var command = batch.Prepared(OutboxInsert);
        command.Parameters.AddWithValue("$kind", (int)message.Kind);
        command.Parameters.AddWithValue("$destination", message.Destination);
        command.Parameters.AddWithValue("$deliver_at", message.DeliverAt is { } deliverAt ? deliverAt.UtcTicks : DBNull.Value);
        command.Parameters.AddWithValue("$now", batch.Now);
        var first = command.Parameters.Count;
        EnvelopeColumns.AddParameters(command);
        EnvelopeColumns.Bind(command.Parameters, first, message.Envelope);
        command.ExecuteNonQuery();
    }
}
