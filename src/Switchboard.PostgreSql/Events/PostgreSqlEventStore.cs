using System.Data;
using Npgsql;
using NpgsqlTypes;
using Switchboard.EventSourcing;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql;

/// <summary>
/// Event streams, one global order over them, checkpoints and snapshots in PostgreSQL tables of one schema
/// (<see cref="PostgreSqlEventStoreOptions.Schema"/>). Writers append concurrently; readers of all events never skip an
/// event that commits late (see docs/postgresql.md, "Event store": positions are made of transaction ids, and readers
/// stop below the oldest transaction still running).
/// </summary>
/// <remarks>
/// <para>
/// An append is one statement in one round trip: it looks for the batch's event ids, moves the stream's row in
/// <c>event_streams</c> (its row lock orders appends to one stream, and the expected version is checked against the
/// latest committed version), takes positions and inserts the events. After its commit it asks the instance's
/// notifier for a <c>NOTIFY</c>, which a background loop sends in a transaction of its own, coalesced: one at a time,
/// at most one per couple of milliseconds, however many appends asked meanwhile. A notification inside the append's
/// transaction would hold PostgreSQL's notification lock through the commit's disk flush and serialize every
/// appending commit; one per append after it still queued every append behind that lock.
/// </para>
/// <para>
/// Appends can also join a unit of work of a <see cref="PostgreSqlMessageStore"/> on the same database
/// (<see cref="EnlistAppendAsync"/>), and commit with its inbox record, saga state and outbox messages.
/// </para>
/// <para>
/// <see cref="WaitForEventsAsync"/> wakes on the schema's notifications (<c>LISTEN</c> on one connection per instance,
/// unless <see cref="PostgreSqlEventStoreOptions.ListenForAppends"/> is off), so appends of other processes wake it
/// too; without them it polls every <c>maxWait</c>. A transaction (<see cref="BeginTransactionAsync"/>) is READ
/// COMMITTED on a pooled connection of its own: other writers go on meanwhile.
/// </para>
/// <para>
/// Clock: <see cref="RecordedEvent.Created"/>, checkpoints' and snapshots' times come from the application's clock
/// (<see cref="PostgreSqlEventStoreOptions.TimeProvider"/>), as in the message store.
/// </para>
/// </remarks>
public sealed class PostgreSqlEventStore : ISqlEventStore, ICheckpointStore, ISnapshotStore, IEventStoreEnlistment
{
    private const int DuplicateRaceRetries = 3;

    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _statements;
    private readonly StorePools _pools;
    private readonly TimeProvider _time;
    private readonly AppendListener? _listener;
    private readonly AppendNotifier _notifier;
    private readonly PostgreSqlDatabase _database;
    private int _disposed;

    /// <summary>Creates a store; call <see cref="InitializeAsync"/> before using it (the bus does).</summary>
    public PostgreSqlEventStore(PostgreSqlEventStoreOptions options)
        : this(options, null)
    {
    }

    internal PostgreSqlEventStore(PostgreSqlEventStoreOptions options, TimeProvider? busTime)
    {
        ArgumentNullException.ThrowIfNull(options);
        PostgreSqlDataSources.ValidateSchema(options.Schema, nameof(options));
        Schema = options.Schema;
        Sql = new EventStoreSql(Schema);
        _time = options.TimeProvider ?? busTime ?? TimeProvider.System;
        _pools = StorePools.For(options.DataSource, options.ConnectionString, Schema, options.SchemaOnSearchPath, "event store", nameof(options));
        _dataSource = _pools.Shared;
        _statements = _pools.Statements;

        if (options.ListenForAppends)
        {
            _listener = new AppendListener(_dataSource, Sql.Channel);
        }

        _notifier = new AppendNotifier(_statements, Sql.Notify);
        _database = PostgreSqlDatabase.Of(_dataSource);
    }

    /// <inheritdoc />
    public string Name => "postgresql";

    /// <summary>The schema of the store's tables.</summary>
    public string Schema { get; }

    internal EventStoreSql Sql { get; }

    internal NpgsqlDataSource DataSource => _dataSource;

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>Whether this instance's notification connection is listening now (false while it reconnects, or when turned off).</summary>
    internal bool IsListening => _listener?.IsListening ?? false;

    /// <inheritdoc />
    /// <remarks>Applies every migration of the schema, the message store's tables included (they share the scripts).</remarks>
    public async ValueTask InitializeAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        await PostgreSqlMigrations.ApplyAsync(_dataSource, Schema, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// Also throws <see cref="InvalidOperationException"/> past PostgreSQL's limits of positions (see
    /// docs/postgresql.md). When a concurrent append commits one of the batch's ids while this one runs, this one is
    /// tried again and then answers as if it had come second.
    /// </remarks>
    public async ValueTask<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        EventAppend.Validate(streamId, events);
        for (var attempt = 0; ; attempt++)
        {
            var batch = _statements.CreateBatch();
            await using (batch.ConfigureAwait(false))
            {
                var streamLock = new NpgsqlBatchCommand(EventStoreSql.StreamLock);
                streamLock.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, streamId));
                batch.BatchCommands.Add(streamLock);
                (AppendResult? Result, DuplicateEventIdException? Duplicate) outcome;
                try
                {
                    outcome = await EventAppend.ExecuteAsync(batch, EventAppend.Command(Sql, streamId, expectedVersion, events, Now), streamId, events, cancellationToken).ConfigureAwait(false);
                }
                catch (PostgresException e) when (IsDuplicateIdRace(e) && attempt < DuplicateRaceRetries)
                {
                    continue;
                }
                catch (PostgresException e) when (EventAppend.IsBeyondPositions(e))
                {
                    throw EventAppend.BeyondPositions(e);
                }

                if (outcome.Duplicate is not null)
                {
                    throw outcome.Duplicate;
                }

                if (outcome.Result is { AlreadyAppended: false })
                {
                    // Committed (autocommit statement): wake this instance's waiters and, soon, every listener.
                    Appended();
                }

                return outcome.Result
                    ?? throw new WrongExpectedVersionException(streamId, expectedVersion, await GetStreamVersionAsync(streamId, cancellationToken).ConfigureAwait(false));
            }
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// True for a <see cref="PostgreSqlMessageStore"/> whose connection string names the same host, port and database
    /// as this store's (the host compared as written, case aside: <c>localhost</c> and <c>127.0.0.1</c> differ). The
    /// two schemas may differ: every statement names its schema.
    /// </remarks>
    public bool CanEnlistIn(IMessageStore store) => store is PostgreSqlMessageStore postgres && postgres.Database == _database;

    /// <inheritdoc />
    /// <remarks>
    /// <para>
    /// Runs the append statement of <see cref="AppendAsync"/> on the unit of work's transaction. In a deferred unit of
    /// work (no handler asked for its database transaction) it waits for the commit and goes in its one batch, at no
    /// round trip of its own; its statement then fails when the stream is not at the expected version, so the whole
    /// implicit transaction rolls back and the commit throws <see cref="ConcurrencyConflictException"/>. In a live unit
    /// of work it runs at once: a stream at another version throws <see cref="WrongExpectedVersionException"/>, and the
    /// unit of work can no longer commit. Appends to one stream in one unit of work chain (the second expects what the
    /// first made); positions follow the order of the appends.
    /// </para>
    /// <para>
    /// An exact repeat of an earlier append (all ids, in order, in this stream) writes nothing and lets the unit of
    /// work commit, as <see cref="AppendResult.AlreadyAppended"/> does; any other reuse of a committed id fails it with
    /// <see cref="DuplicateEventIdException"/>. A concurrent unit of work that commits one of the ids first, a deadlock
    /// or a serialization failure fail it with <see cref="ConcurrencyConflictException"/>. After the commit, this
    /// instance's waiters wake and the schema's listeners are notified, as after <see cref="AppendAsync"/>.
    /// </para>
    /// </remarks>
    /// <exception cref="ArgumentException"><paramref name="transaction"/> is not a unit of work of a store this store can enlist in (<see cref="CanEnlistIn"/>).</exception>
    /// <exception cref="InvalidOperationException">The unit of work would append more than PostgreSQL's limit of events per transaction (see docs/postgresql.md).</exception>
    public async ValueTask EnlistAppendAsync(IStoreTransaction transaction, string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(transaction);
        EventAppend.Validate(streamId, events);
        if (transaction is not PostgreSqlStoreTransaction unitOfWork || !CanEnlistIn(unitOfWork.Store))
        {
            throw new ArgumentException("The transaction is not a unit of work of a PostgreSQL message store on this event store's database (see CanEnlistIn).", nameof(transaction));
        }

        await unitOfWork.EnlistAppendAsync(this, streamId, expectedVersion, events, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        StreamNames.Validate(streamId);
        ArgumentOutOfRangeException.ThrowIfNegative(fromVersion);
        ArgumentOutOfRangeException.ThrowIfNegative(maxCount);
        if (maxCount == 0)
        {
            return [];
        }

        var command = _statements.CreateCommand(direction == ReadDirection.Backwards ? Sql.ReadBackwards : Sql.ReadForwards);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, streamId));
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Bigint, fromVersion));
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Integer, maxCount));
            // Most streams are short (an aggregate's): the list grows if this one is not.
            var events = new List<RecordedEvent>(Math.Min(maxCount, 16));
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    events.Add(EventColumns.Read(reader));
                }
            }

            return events;
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        StreamNames.Validate(streamId);
        var command = _statements.CreateCommand(Sql.StreamVersion);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, streamId));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long version ? version : 0;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Returns only events below the bound of the statement's snapshot: (its xmin, the oldest transaction id still
    /// running) &lt;&lt; 20. When the page is not full, <see cref="EventPage.NextPosition"/> is that bound − 1: every
    /// position up to there is final (a transaction that can still commit takes positions at or above the bound).
    /// </remarks>
    public async ValueTask<EventPage> ReadAllAsync(long afterPosition, int maxCount, EventFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        var categories = Storable(filter?.Categories);
        var types = Storable(filter?.EventTypes);
        if (categories is [] || types is [])
        {
            // A filter that nothing stored can pass (e.g. a type name PostgreSQL text cannot hold): only the bound,
            // without scanning.
            return new EventPage([], Math.Max(afterPosition, await BoundAsync(cancellationToken).ConfigureAwait(false) - 1), IsEnd: true);
        }

        var command = _statements.CreateCommand(Sql.ReadAllFor(categories is not null, types is not null));
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Bigint, afterPosition));
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Integer, maxCount));
            // Both lists always bound: a statement without a filter ignores its parameter.
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Array | NpgsqlDbType.Text, categories ?? []));
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Array | NpgsqlDbType.Text, types ?? []));
            var events = new List<RecordedEvent>(Math.Min(maxCount, 1024));
            var bound = 0L;
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    bound = reader.GetInt64(0);
                    if (!reader.IsDBNull(1))
                    {
                        events.Add(EventColumns.Read(reader, 1));
                    }
                }
            }

            return events.Count == maxCount
                ? new EventPage(events, events[^1].Position, IsEnd: false)
                : new EventPage(events, Math.Max(afterPosition, bound - 1), IsEnd: true);
        }
    }

    /// <summary>The readers' bound now: (the oldest running transaction id) &lt;&lt; 20.</summary>
    internal async ValueTask<long> BoundAsync(CancellationToken cancellationToken)
    {
        var command = _statements.CreateCommand(Sql.BoundNow);
        await using (command.ConfigureAwait(false))
        {
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <inheritdoc />
    public async ValueTask<long> GetEndPositionAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        return Math.Max(0, await BoundAsync(cancellationToken).ConfigureAwait(false) - 1);
    }

    /// <inheritdoc />
    public async ValueTask<long> CountEventsAfterAsync(long position, long limit, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (limit <= 0)
        {
            return 0;
        }

        var command = _statements.CreateCommand(Sql.CountAfter);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Bigint, position));
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Bigint, limit));
            return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <inheritdoc />
    /// <remarks>
    /// Takes the listener's next signal first, then asks whether events after <paramref name="afterPosition"/> can be
    /// read already (one query): an append that committed between the caller's last read and this wait is found by
    /// that query, one that commits later completes the signal. Waits <paramref name="maxWait"/> in real time.
    /// </remarks>
    public async ValueTask WaitForEventsAsync(long afterPosition, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        if (maxWait <= TimeSpan.Zero)
        {
            return;
        }

        var signal = _listener?.NextSignal();
        var command = _statements.CreateCommand(Sql.AnyAfter);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Bigint, afterPosition));
            if ((bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                return;
            }
        }

        var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        using (timeout)
        {
            var delay = Task.Delay(maxWait, timeout.Token);
            await Task.WhenAny(signal ?? delay, delay).ConfigureAwait(false);
            await timeout.CancelAsync().ConfigureAwait(false);
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    /// <inheritdoc />
    /// <remarks>A pooled connection with a READ COMMITTED transaction, held until the commit or the dispose.</remarks>
    public async ValueTask<ISqlEventStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var transaction = await PostgreSqlDataSources.BeginReadCommittedAsync(_dataSource, cancellationToken).ConfigureAwait(false);
        return new PostgreSqlEventStoreTransaction(this, transaction.Connection!, transaction);
    }

    /// <inheritdoc />
    public async ValueTask<long?> LoadCheckpointAsync(string name, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var command = _statements.CreateCommand(Sql.LoadCheckpoint);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, name));
            return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long position ? position : null;
        }
    }

    /// <inheritdoc />
    public async ValueTask SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        var command = _statements.CreateCommand(Sql.SaveCheckpoint);
        await using (command.ConfigureAwait(false))
        {
            BindCheckpoint(command.Parameters, name, position);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DeleteCheckpointAsync(string name, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        var command = _statements.CreateCommand(Sql.DeleteCheckpoint);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, name));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<Snapshot?> LoadSnapshotAsync(string streamId, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        StreamNames.Validate(streamId);
        var command = _statements.CreateCommand(Sql.LoadSnapshot);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, streamId));
            var reader = await command.ExecuteReaderAsync(CommandBehavior.SingleRow, cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                    ? new Snapshot(streamId, reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2))
                    : null;
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        ThrowIfDisposed();
        ArgumentNullException.ThrowIfNull(snapshot);
        StreamNames.Validate(snapshot.StreamId);
        ArgumentOutOfRangeException.ThrowIfNegative(snapshot.Version);
        ArgumentException.ThrowIfNullOrWhiteSpace(snapshot.Type);
        var command = _statements.CreateCommand(Sql.SaveSnapshot);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, snapshot.StreamId));
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Bigint, snapshot.Version));
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, snapshot.Type));
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.Bytea, EventColumns.Array(snapshot.Data)));
            command.Parameters.Add(EventColumns.Parameter(NpgsqlDbType.TimestampTz, Now));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Stops listening and disposes the store's own data source; a data source passed in options stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _notifier.DisposeAsync().ConfigureAwait(false);
        if (_listener is not null)
        {
            await _listener.DisposeAsync().ConfigureAwait(false);
        }

        await _pools.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Binds a checkpoint's name, position and time ($1 to $3 of <see cref="EventStoreSql.SaveCheckpoint"/>).</summary>
    internal void BindCheckpoint(NpgsqlParameterCollection parameters, string name, long position)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        parameters.Add(EventColumns.Parameter(NpgsqlDbType.Text, name));
        parameters.Add(EventColumns.Parameter(NpgsqlDbType.Bigint, position));
        parameters.Add(EventColumns.Parameter(NpgsqlDbType.TimestampTz, Now));
    }

    /// <summary>
    /// Wakes this instance's waiters at once and asks for a notification of the schema's listeners (coalesced, see
    /// <see cref="AppendNotifier"/>); called after a transaction with appends committed.
    /// </summary>
    internal void Appended()
    {
        _listener?.Wake();
        _notifier.Request();
    }

    /// <summary>
    /// A filter list as it can match stored values: null when it does not filter; names PostgreSQL text cannot hold
    /// (with a NUL character) left out, since no stored name has one.
    /// </summary>
    private static string[]? Storable(IReadOnlyList<string>? names) =>
        names is { Count: > 0 } ? names.Where(n => n is not null && !n.Contains('\0', StringComparison.Ordinal)).ToArray() : null;

    /// <summary>A concurrent append committed one of the batch's event ids after this append's statement began.</summary>
    internal static bool IsDuplicateIdRace(PostgresException e) =>
        e.SqlState == PostgresErrorCodes.UniqueViolation && e.ConstraintName == "events_event_id";

    private void ThrowIfDisposed() => ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
}
