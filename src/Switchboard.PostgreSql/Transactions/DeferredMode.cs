using Npgsql;
using Switchboard.EventSourcing;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql;

/// <summary>
/// A unit of work that holds no connection: reads run on a pooled connection outside any transaction, writes are kept
/// in memory until <see cref="CommitAsync"/>, which sends them all in one batch, a single round trip in which they
/// commit or roll back together; or until the unit of work goes live, which writes them on its transaction
/// (<see cref="MoveToAsync"/>).
/// </summary>
/// <remarks>
/// The commit batch has no BEGIN and no COMMIT: PostgreSQL runs the statements of one batch (up to its single Sync)
/// in one implicit transaction, which commits before the batch's answer comes back and rolls back entirely when a
/// statement fails. Races are settled by the same statements as in live mode (the inbox insert and a saga's first
/// save use <c>ON CONFLICT DO NOTHING</c>, which waits for a concurrent uncommitted insert of the same key; an update
/// matches on the expected version), each wrapped so that writing nothing fails it with division_by_zero
/// (<see cref="StoreSql.RecordHandledChecked"/>): the batch rolls back and the commit throws
/// <see cref="ConcurrencyConflictException"/>. So a conflict found at the commit leaves nothing behind, and the
/// transaction step runs the message again. The implicit transaction has the server's default isolation
/// (<c>default_transaction_isolation</c>, READ COMMITTED unless configured otherwise); the batch only writes, and a
/// stricter level can only add serialization failures, which count as conflicts too. Event appends use the event
/// store's checked statement (<see cref="EventStoreSql.AppendFor"/>), which fails the same way when its stream is not
/// at the expected version; when one of its event ids is in use, it fails otherwise, and the commit throws
/// <see cref="DuplicateEventIdException"/> (running the message again would not mend it). A handler's enlisted
/// statement with <see cref="StoreWrite.ExpectedRows"/> goes in a checked form too (<see cref="StoreSql.CheckedWrite"/>),
/// which divides by zero when it changed another number of rows; one without runs as written.
/// </remarks>
internal sealed class DeferredMode(PostgreSqlMessageStore store) : StoreTransactionMode(store)
{
    // In the order they were made; written at the commit, or on the live transaction when one opens.
    private readonly List<(string Endpoint, string MessageId)> _handled = [];
    private readonly List<(SagaRecord Record, long ExpectedVersion)> _sagas = [];
    private readonly List<OutgoingMessage> _outgoing = [];
    private readonly List<EnlistedAppend> _appends = [];
    private readonly List<StoreWrite> _writes = [];

    private bool IsEmpty => _handled.Count == 0 && _sagas.Count == 0 && _outgoing.Count == 0 && _appends.Count == 0 && _writes.Count == 0;

    public override async ValueTask<bool> TryRecordHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken)
    {
        // The insert waits for the commit, where a record committed meanwhile by another unit of work makes it a
        // conflict. Only a record this unit of work made already, or one committed before (as far as a hint or a read
        // shows), is a duplicate now.
        if (_handled.Contains((endpoint, messageId))
            || (!Store.TakeUnhandledHint(endpoint, messageId) && await Store.QueryHandledAsync(endpoint, messageId, cancellationToken).ConfigureAwait(false)))
        {
            return false;
        }

        _handled.Add((endpoint, messageId));
        return true;
    }

    public override ValueTask<SagaRecord?> LoadSagaAsync(string saga, string key, CancellationToken cancellationToken)
    {
        // This unit of work's own deferred save, else the committed instance.
        var own = _sagas.FindLast(s => s.Record.Saga == saga && s.Record.Key == key);
        return own.Record is not null
            ? ValueTask.FromResult<SagaRecord?>(own.Record)
            : ReadSagaAsync(Store.Statements.CreateCommand(Store.Sql.LoadSaga), saga, key, cancellationToken);
    }

    public override ValueTask SaveSagaAsync(SagaRecord record, long expectedVersion, CancellationToken cancellationToken)
    {
        // Checked at the commit. Stored as it will be, so that a load in this unit of work sees it.
        _sagas.Add((record with { Version = expectedVersion + 1 }, expectedVersion));
        return ValueTask.CompletedTask;
    }

    public override ValueTask EnlistAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        _outgoing.AddRange(messages);
        return ValueTask.CompletedTask;
    }

    public override ValueTask EnlistWriteAsync(StoreWrite write, CancellationToken cancellationToken)
    {
        _writes.Add(write);
        return ValueTask.CompletedTask;
    }

    public override ValueTask EnlistAppendAsync(EnlistedAppend append, CancellationToken cancellationToken)
    {
        _appends.Add(append);
        return ValueTask.CompletedTask;
    }

    // One round trip: the deferred writes in one batch, one implicit transaction (see the remarks on the class).
    public override async ValueTask CommitAsync(CancellationToken cancellationToken)
    {
        if (IsEmpty)
        {
            return;
        }

        var commands = Commands(check: true, Store.Now);
        var batch = Store.Statements.CreateBatch();
        await using (batch.ConfigureAwait(false))
        {
            foreach (var deferred in commands)
            {
                batch.BatchCommands.Add(deferred.Command);
            }

            try
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DivisionByZero)
            {
                // Only the checks divide. Which one failed, Npgsql does not tell (PostgresException.BatchCommand stays
                // null): the message names every write that could have.
                throw Lost(e, commands.Select(c => c.Conflict).OfType<string>());
            }
            catch (PostgresException e) when (PostgreSqlMessageStore.IsConflict(e))
            {
                throw Conflict(e);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CardinalityViolation || EventAppend.IsBeyondPositions(e))
            {
                throw await AppendFailureAsync(e, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    // Holds nothing: what was kept in memory goes with it.
    public override ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>Writes what was deferred on <paramref name="live"/>, the unit of work's transaction from now on.</summary>
    public async ValueTask MoveToAsync(LiveMode live, CancellationToken cancellationToken)
    {
        if (IsEmpty)
        {
            return;
        }

        try
        {
            await live.WriteDeferredAsync(Commands(check: false, Store.Now), cancellationToken).ConfigureAwait(false);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.DivisionByZero)
        {
            // Here only the appends check themselves; the other writes are checked by what they wrote.
            throw Lost(e, _appends.Select(a => a.Conflict));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.CardinalityViolation || EventAppend.IsBeyondPositions(e))
        {
            throw await AppendFailureAsync(e, cancellationToken).ConfigureAwait(false);
        }

        _handled.Clear();
        _sagas.Clear();
        _outgoing.Clear();
        _appends.Clear();
        _writes.Clear();
    }

    private static ConcurrencyConflictException Lost(PostgresException e, IEnumerable<string> suspects) =>
        new("The commit lost a race, so nothing of it was written: " + string.Join(" Or: ", suspects), e);

    // An append failed in a way running the message again would not mend, and the batch rolled back: past the limits
    // of positions, or an event id in use (its check says no more: one more query finds which).
    private async ValueTask<Exception> AppendFailureAsync(PostgresException e, CancellationToken cancellationToken)
    {
        if (EventAppend.IsBeyondPositions(e))
        {
            return EventAppend.BeyondPositions(e);
        }

        foreach (var append in _appends)
        {
            if (await append.FindReusedIdAsync(cancellationToken).ConfigureAwait(false) is { } reused)
            {
                return reused;
            }
        }

        return new InvalidOperationException("An event append of the unit of work found one of its ids in use, so nothing of it was written.", e);
    }

    // The deferred writes as batch commands, checked in the statement (check: for the commit batch, whose implicit
    // transaction must roll back on a conflict) or by the row counts after it (for a live transaction).
    private List<DeferredCommand> Commands(bool check, DateTimeOffset now)
    {
        var sql = Store.Sql;
        var commands = new List<DeferredCommand>(_handled.Count + _sagas.Count + _appends.Count + _writes.Count + _outgoing.Count);

        // The inbox first: a concurrent unit of work handling the same message ends this one before it touches a saga.
        foreach (var (endpoint, messageId) in _handled)
        {
            var command = new NpgsqlBatchCommand(check ? sql.RecordHandledChecked : sql.RecordHandled);
            BindRecordHandled(command.Parameters, endpoint, messageId, now);
            commands.Add(new(command, HandledConflict(endpoint, messageId)));
        }

        foreach (var (record, expectedVersion) in _sagas)
        {
            var insert = expectedVersion == 0;
            var command = new NpgsqlBatchCommand(check
                ? insert ? sql.InsertSagaChecked : sql.UpdateSagaChecked
                : insert ? sql.InsertSaga : sql.UpdateSaga);
            BindSaga(command.Parameters, record, expectedVersion, now);
            commands.Add(new(command, SagaConflict(record, expectedVersion)));
        }

        // Appends check themselves (also on the live transaction, where the others are checked by what they wrote).
        // Ordered by stream, so that units of work appending to the same streams take their locks in one order
        // instead of deadlocking; stable, so that appends to one stream chain in the order they were made. Positions
        // keep the order the appends were made in: their ordinals were given then.
        foreach (var append in _appends.OrderBy(a => a.StreamId, StringComparer.Ordinal))
        {
            commands.Add(new(append.CheckedCommand(), check ? append.Conflict : null));
        }

        // The handlers' own statements in the order they were enlisted, after the state that versions guard: a lost
        // race ends the batch before they take their rows' locks.
        foreach (var write in _writes)
        {
            if (write.ExpectedRows is not { } expected)
            {
                commands.Add(new(WriteCommand(write.Sql, write), null));
            }
            else if (check)
            {
                commands.Add(new(WriteCommand(StoreSql.CheckedWrite(write.Sql, expected), write), WriteConflict(write, expected)));
            }
            else
            {
                commands.Add(new(WriteCommand(write.Sql, write), WriteConflict(write, expected), expected));
            }
        }

        foreach (var message in _outgoing)
        {
            commands.Add(new(EnlistCommand(sql.Enlist, message, now), null));
        }

        return commands;
    }

    private static string WriteConflict(StoreWrite write, int expected) =>
        $"A unit of work's write did not change the {expected} row(s) it expected: {write.Sql}";
}
