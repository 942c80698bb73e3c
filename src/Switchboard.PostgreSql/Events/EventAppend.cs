using Npgsql;
using NpgsqlTypes;
using Switchboard.EventSourcing;

namespace Switchboard.PostgreSql;

/// <summary>One append: its checks, its statement (<see cref="EventStoreSql.AppendFor"/>) and what its answer means.</summary>
internal static class EventAppend
{
    /// <summary>Throws <see cref="ArgumentException"/> for a stream id or a batch no store accepts.</summary>
    public static void Validate(string streamId, IReadOnlyList<EventData> events)
    {
        StreamNames.Validate(streamId);
        if (streamId.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("PostgreSQL text cannot hold a NUL character: not in a stream id.", nameof(streamId));
        }

        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            throw new ArgumentException("An append needs at least one event.", nameof(events));
        }

        if (events.Count > EventStoreSql.MaxEventsPerTransaction)
        {
            throw new ArgumentException($"An append to PostgreSQL takes at most {EventStoreSql.MaxEventsPerTransaction} events.", nameof(events));
        }

        var ids = new HashSet<string>(events.Count, StringComparer.Ordinal);
        foreach (var e in events)
        {
            if (e is null)
            {
                throw new ArgumentException("An append's events cannot be null.", nameof(events));
            }

            CheckName(e.EventId, "event id", nameof(events));
            CheckName(e.Type, "event type", nameof(events));
            if (!ids.Add(e.EventId))
            {
                throw new ArgumentException($"Event id '{e.EventId}' is twice in one append.", nameof(events));
            }
        }
    }

    /// <summary>
    /// The append's statement with its parameters; <paramref name="ordinal"/> is the first event's ordinal among the
    /// events its transaction appends (0 for an append in a transaction of its own); <paramref name="check"/> asks for
    /// the form that fails when it writes nothing (see <see cref="EventStoreSql.AppendFor"/>).
    /// </summary>
    public static NpgsqlBatchCommand Command(EventStoreSql sql, string streamId, ExpectedVersion expected, IReadOnlyList<EventData> events, DateTimeOffset created, int ordinal = 0, bool check = false)
    {
        var count = events.Count;
        var single = count == 1;
        var command = new NpgsqlBatchCommand(sql.AppendFor(expected.Kind, single, check));
        var parameters = command.Parameters;
        parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, streamId));
        parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, StreamNames.Category(streamId)));
        if (single)
        {
            var e = events[0];
            parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, e.EventId));
            parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, e.Type));
            parameters.Add(EventColumns.Parameter(NpgsqlDbType.Bytea, EventColumns.Array(e.Data)));
            parameters.Add(EventColumns.Parameter(NpgsqlDbType.Jsonb, EventMetadataJson.Write(e.Metadata)));
        }
        else
        {
            var ids = new string[count];
            var types = new string[count];
            var data = new byte[count][];
            var metadata = new string?[count];
            for (var i = 0; i < count; i++)
            {
                var e = events[i];
                ids[i] = e.EventId;
                types[i] = e.Type;
                data[i] = EventColumns.Array(e.Data);
                metadata[i] = EventMetadataJson.Write(e.Metadata);
            }

            parameters.Add(EventColumns.Parameter(NpgsqlDbType.Array | NpgsqlDbType.Text, ids));
            parameters.Add(EventColumns.Parameter(NpgsqlDbType.Array | NpgsqlDbType.Text, types));
            parameters.Add(EventColumns.Parameter(NpgsqlDbType.Array | NpgsqlDbType.Bytea, data));
            parameters.Add(EventColumns.Parameter(NpgsqlDbType.Array | NpgsqlDbType.Jsonb, metadata));
        }

        parameters.Add(EventColumns.Parameter(NpgsqlDbType.Integer, count));
        parameters.Add(EventColumns.Parameter(NpgsqlDbType.TimestampTz, created.ToUniversalTime()));
        parameters.Add(EventColumns.Parameter(NpgsqlDbType.Bigint, (long)ordinal));
        if (expected.Kind == ExpectedVersionKind.Exact)
        {
            parameters.Add(EventColumns.Parameter(NpgsqlDbType.Bigint, expected.Value));
        }

        return command;
    }

    /// <summary>
    /// Runs <paramref name="command"/>, an append statement, last in <paramref name="batch"/> (after what the caller
    /// added, in the batch's one transaction), and reads what its rows say (see <see cref="ReadOutcomeAsync"/>).
    /// Database errors reach the caller, which maps them for its context.
    /// </summary>
    public static async ValueTask<(AppendResult? Result, DuplicateEventIdException? Duplicate)> ExecuteAsync(
        NpgsqlBatch batch, NpgsqlBatchCommand command, string streamId, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        batch.BatchCommands.Add(command);
        var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            // Past the results of what the caller put before the append (the stream's lock).
            for (var skipped = 1; skipped < batch.BatchCommands.Count; skipped++)
            {
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            }

            return await ReadOutcomeAsync(reader, streamId, events, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// What the statement's rows say: the append's result, the earlier append's result when the batch repeats it
    /// exactly, a <see cref="DuplicateEventIdException"/> for any other reuse of an id, or null when the stream was not
    /// at the expected version (the caller looks up the version for the exception).
    /// </summary>
    private static async ValueTask<(AppendResult? Result, DuplicateEventIdException? Duplicate)> ReadOutcomeAsync(
        NpgsqlDataReader reader, string streamId, IReadOnlyList<EventData> events, CancellationToken cancellationToken)
    {
        Dictionary<string, (string StreamId, long Version, long Position)>? stored = null;
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            if (reader.GetBoolean(0))
            {
                return (new AppendResult(reader.GetInt64(1), reader.GetInt64(2)), null);
            }

            stored ??= new(StringComparer.Ordinal);
            stored[reader.GetString(3)] = (reader.GetString(4), reader.GetInt64(1), reader.GetInt64(2));
        }

        return stored is null ? (null, null) : Repeat(streamId, events, stored);
    }

    /// <summary>A stream's version (0: no stream) as <paramref name="transaction"/> sees it, for the exception of a refused append.</summary>
    public static async ValueTask<long> StreamVersionAsync(EventStoreSql sql, NpgsqlTransaction transaction, string streamId, CancellationToken cancellationToken)
    {
        var command = new NpgsqlCommand(sql.StreamVersion, transaction.Connection, transaction);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, streamId));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? version : 0;
        }
    }

    /// <summary>
    /// Whether the append failed on the limits of positions: a transaction id of 2^43 or more (the position's
    /// multiplication overflows a bigint).
    /// </summary>
    public static bool IsBeyondPositions(PostgresException e) => e.SqlState == PostgresErrorCodes.NumericValueOutOfRange;

    /// <summary>The exception for an append beyond the limits of positions.</summary>
    public static InvalidOperationException BeyondPositions(PostgresException e) => new(
        "switchboard: the transaction id is beyond the range of event positions (2^43): " + e.MessageText, e);

    /// <summary>
    /// What the stored events with some of the batch's ids (id to stream, version, position) make of the append: an
    /// exact repeat of an earlier append (its result, <see cref="AppendResult.AlreadyAppended"/>) or a reuse of an id.
    /// </summary>
    public static (AppendResult? Result, DuplicateEventIdException? Duplicate) Repeat(
        string streamId, IReadOnlyList<EventData> events, Dictionary<string, (string StreamId, long Version, long Position)> stored)
    {
        (string StreamId, long Version, long Position) previous = default;
        for (var i = 0; i < events.Count; i++)
        {
            if (!stored.TryGetValue(events[i].EventId, out var row)
                || row.StreamId != streamId
                || (i > 0 && row.Version != previous.Version + 1))
            {
                var used = events.First(e => stored.ContainsKey(e.EventId)).EventId;
                return (null, new DuplicateEventIdException(streamId, used));
            }

            previous = row;
        }

        return (new AppendResult(previous.Version, previous.Position, AlreadyAppended: true), null);
    }

    private static void CheckName(string value, string what, string paramName)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"An {what} cannot be empty.", paramName);
        }

        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException($"PostgreSQL text cannot hold a NUL character: not in an {what}.", paramName);
        }

        if (value.Length > EventData.MaxNameLength)
        {
            throw new ArgumentException($"An {what} is at most {EventData.MaxNameLength} characters: '{value[..20]}...'.", paramName);
        }
    }
}
