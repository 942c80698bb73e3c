using Microsoft.Data.Sqlite;
using Switchboard.Messages;
using Switchboard.Persistence;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Store;

/// <summary>The outbox over <c>sb_outbox</c>: changes go through the writer, reads through a reader connection. Times are Unix milliseconds of the process clock.</summary>
internal sealed class SqliteOutboxStore(SqliteConnections connections, SqliteWriter writer) : IOutboxStore
{
    private const string Columns = $"kind, destination, deliver_at, created_at, attempts, last_error, {SqliteSchema.EnvelopeColumnList}";

    public async ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(int max, TimeSpan minimumAge, TimeSpan claimFor, CancellationToken cancellationToken = default) =>
        await writer.ExecuteAsync(new DelegateOperation<IReadOnlyList<OutboxEntry>>(batch =>
        {
            using var command = batch.CreateCommand();
            command.CommandText = $"""
                UPDATE sb_outbox SET due_at = $until
                WHERE seq IN (SELECT seq FROM sb_outbox WHERE quarantined = 0 AND due_at <= $now AND created_at <= $born ORDER BY created_at, seq LIMIT $max)
                RETURNING {Columns}
                """;
            command.Parameters.AddWithValue("$until", batch.Now + (long)claimFor.TotalMilliseconds);
            command.Parameters.AddWithValue("$now", batch.Now);
            command.Parameters.AddWithValue("$born", batch.Now - (long)minimumAge.TotalMilliseconds);
            command.Parameters.AddWithValue("$max", max);
            return ReadAll(command);
        }), cancellationToken).ConfigureAwait(false);

    public async ValueTask MarkDispatchedAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        if (messageIds.Count == 0)
        {
            return;
        }

        await writer.ExecuteAsync(new DelegateOperation<bool>(batch =>
        {
            using var command = batch.CreateCommand();
            command.CommandText = "DELETE FROM sb_outbox WHERE message_id = $id";
            var id = command.Parameters.Add(new SqliteParameter { ParameterName = "$id" });
            foreach (var messageId in messageIds)
            {
                id.Value = messageId;
                command.ExecuteNonQuery();
            }

            return true;
        }), cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask MarkFailedAsync(string messageId, string error, DateTimeOffset retryAt, bool quarantine, CancellationToken cancellationToken = default) =>
        await writer.ExecuteAsync(new DelegateOperation<bool>(batch =>
        {
            using var command = batch.CreateCommand();
            command.CommandText = "UPDATE sb_outbox SET attempts = attempts + 1, last_error = $error, due_at = $due, quarantined = $quarantined WHERE message_id = $id";
            command.Parameters.AddWithValue("$id", messageId);
            command.Parameters.AddWithValue("$error", error);
            command.Parameters.AddWithValue("$due", retryAt.ToUnixTimeMilliseconds());
            command.Parameters.AddWithValue("$quarantined", quarantine ? 1 : 0);
            return command.ExecuteNonQuery() == 1;
        }), cancellationToken).ConfigureAwait(false);

    public ValueTask<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = """
            SELECT COUNT(*) FILTER (WHERE quarantined = 0), MIN(created_at) FILTER (WHERE quarantined = 0), COUNT(*) FILTER (WHERE quarantined = 1)
            FROM sb_outbox
            """;
        using var reader = command.ExecuteReader();
        reader.Read();
        return ValueTask.FromResult(new OutboxStatistics(
            reader.GetInt64(0),
            reader.IsDBNull(1) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(1)),
            reader.GetInt64(2)));
    }

    public ValueTask<IReadOnlyList<OutboxEntry>> ListQuarantinedAsync(int max, CancellationToken cancellationToken = default)
    {
        using var connection = connections.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM sb_outbox WHERE quarantined = 1 ORDER BY created_at, seq LIMIT $max";
        command.Parameters.AddWithValue("$max", max);
        return ValueTask.FromResult<IReadOnlyList<OutboxEntry>>(ReadAll(command));
    }

    public async ValueTask<int> ReleaseQuarantinedAsync(IReadOnlyCollection<string>? messageIds = null, CancellationToken cancellationToken = default) =>
        await writer.ExecuteAsync(new DelegateOperation<int>(batch =>
        {
            using var command = batch.CreateCommand();
            command.CommandText = "UPDATE sb_outbox SET quarantined = 0, attempts = 0, due_at = $now WHERE quarantined = 1" + (messageIds is null ? "" : " AND message_id = $id");
            command.Parameters.AddWithValue("$now", batch.Now);
            if (messageIds is null)
            {
                return command.ExecuteNonQuery();
            }

            var id = command.Parameters.AddWithValue("$id", "");
            var released = 0;
            foreach (var messageId in messageIds)
            {
                id.Value = messageId;
                released += command.ExecuteNonQuery();
            }

            return released;
        }), cancellationToken).ConfigureAwait(false);

    private static List<OutboxEntry> ReadAll(SqliteCommand command)
    {
        var entries = new List<OutboxEntry>();
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            var message = new OutgoingMessage(
                (OutgoingKind)reader.GetInt32(0),
                reader.GetString(1),
                EnvelopeColumns.Read(reader, 6),
                reader.IsDBNull(2) ? null : new DateTimeOffset(reader.GetInt64(2), TimeSpan.Zero));
            entries.Add(new OutboxEntry(
                message,
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(3)),
                reader.GetInt32(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return entries;
    }
}
