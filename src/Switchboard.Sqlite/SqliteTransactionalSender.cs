using Microsoft.Data.Sqlite;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Sqlite;

/// <summary>
/// Writes outgoing messages into the transport's tables on the caller's own connection and transaction, so that
/// a handler's state changes and the messages it sends commit together, or not at all, without an outbox hop.
/// The messages become deliverable when the caller commits; receivers in every process notice within
/// milliseconds.
/// </summary>
public static class SqliteTransactionalSender
{
    /// <summary>
    /// Inserts <paramref name="message"/> (a send or a publish) within <paramref name="transaction"/>. The connection
    /// must be open on the transport's database file. Throws <see cref="UnroutableMessageException"/> when a send's
    /// queue does not exist.
    /// </summary>
    public static async ValueTask WriteAsync(SqliteConnection connection, SqliteTransaction transaction, OutgoingMessage message, CancellationToken cancellationToken = default)
    {
        var send = message.Kind == OutgoingKind.Send;
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = send ? MessageInserts.Send : MessageInserts.Publish;
        command.Parameters.AddWithValue(send ? "$queue" : "$topic", message.Destination);
        command.Parameters.AddWithValue("$visible_at", message.DeliverAt is { } at ? UnixMilliseconds.DueAt(at) : 0);
        command.Parameters.AddWithValue("$ordering_key", (object?)EnvelopeColumns.OrderingKey(message.Envelope) ?? DBNull.Value);
        EnvelopeColumns.AddParameters(command);
        EnvelopeColumns.Bind(command.Parameters, 3, message.Envelope);
        var rows = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        if (rows == 0 && send)
        {
            throw new UnroutableMessageException($"Queue '{message.Destination}' does not exist; no endpoint declared it.");
        }
    }
}
