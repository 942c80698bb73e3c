using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.EventSourcing;
using Switchboard.Sqlite.Store;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Events;

/// <summary>
/// The event store on SQLite: in the SQLite transport's own file (sharing its one writer) or in a file of its own.
/// Every write goes through the file's single writer and is group-committed, so global positions are assigned in
/// commit order and a reader never sees a later position before an earlier one: the global order never skips.
/// Reads run on reader connections (WAL), never behind the writer.
/// </summary>
/// <remarks>
/// <see cref="WaitForEventsAsync"/> wakes as soon as this process's writer commits an append, and within the change
/// watcher's poll when another process does (<see cref="SqliteTransportOptions.MaxIdlePoll"/>). A transaction
/// (<see cref="BeginTransactionAsync"/>) lends the writer's connection, so it holds every other write of the process back
/// until it ends.
/// </remarks>
public sealed class SqliteEventStore : ISqlEventStore, ICheckpointStore, ISnapshotStore, IEventStoreEnlistment
{
    private readonly SqliteTransport _database;
    private readonly bool _ownsDatabase;
    private readonly ILogger _logger;
    private EventReaders? _readers;

    /// <summary>An event store in a file of its own, with its own writer; usable without a bus.</summary>
    public SqliteEventStore(SqliteTransportOptions options, ILoggerFactory? loggers = null)
        : this(new SqliteTransport(options, loggers), owns: true, loggers)
    {
    }

    /// <summary>An event store in the file of <paramref name="transport"/>, sharing its writer (and its group commits).</summary>
    public SqliteEventStore(SqliteTransport transport, ILoggerFactory? loggers = null)
        : this(transport, owns: false, loggers)
    {
    }

    private SqliteEventStore(SqliteTransport database, bool owns, ILoggerFactory? loggers)
    {
        _database = database;
        _ownsDatabase = owns;
        _logger = (loggers ?? NullLoggerFactory.Instance).CreateLogger("Switchboard.Sqlite.Events");
    }

    /// <inheritdoc />
    public string Name => "sqlite";

    private SqliteWriter Writer => _database.Writer;

    private EventReaders Readers => _readers ?? throw new InvalidOperationException("The SQLite event store has not been initialized.");

    /// <inheritdoc />
    public async ValueTask InitializeAsync(CancellationToken cancellationToken = default)
    {
        // Starts the database when this store owns it; a shared transport may have been started by the bus already.
        await _database.StartAsync(cancellationToken).ConfigureAwait(false);
        await Writer.ExecuteAsync(new DelegateOperation<bool>(batch =>
        {
            using var command = batch.CreateCommand();
            command.CommandText = EventStoreSchema.Create;
            command.ExecuteNonQuery();
            return true;
        }), cancellationToken).ConfigureAwait(false);
        _readers ??= new EventReaders(_database.Connections);
    }

    /// <inheritdoc />
    public async ValueTask<AppendResult> AppendAsync(string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        AppendRules.Validate(streamId, events);
        return await Writer.ExecuteAsync(new AppendOperation(streamId, expectedVersion, events), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    /// <remarks>
    /// True for a SQLite store in this store's file (<c>UseSqliteStore()</c> and <c>UseSqliteEventStore()</c> on the
    /// transport's file): they share its one writer. An enlisted append is checked and written where the unit's other
    /// writes are, at its commit in the writer's group commit (or at once when the handler leased the connection), so it
    /// costs no writer operation of its own.
    /// </remarks>
    public bool CanEnlistIn(Persistence.IMessageStore store) => store is SqliteMessageStore sqlite && ReferenceEquals(sqlite.Writer, Writer);

    /// <inheritdoc />
    public ValueTask EnlistAppendAsync(Persistence.IStoreTransaction transaction, string streamId, ExpectedVersion expectedVersion, IReadOnlyList<EventData> events, CancellationToken cancellationToken = default)
    {
        AppendRules.Validate(streamId, events);
        if (transaction is not SqliteStoreTransaction unit || !unit.WritesThrough(Writer))
        {
            throw new ArgumentException("Not a unit of work of a SQLite store in this event store's file.", nameof(transaction));
        }

        unit.EnlistAppend(streamId, expectedVersion, events);
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<RecordedEvent>> ReadStreamAsync(string streamId, long fromVersion, ReadDirection direction, int maxCount, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        return ValueTask.FromResult<IReadOnlyList<RecordedEvent>>(Readers.Use(reader => reader.ReadStream(streamId, fromVersion, direction, maxCount)));
    }

    /// <inheritdoc />
    public ValueTask<long> GetStreamVersionAsync(string streamId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Readers.Use(reader => reader.StreamVersion(streamId)));

    /// <inheritdoc />
    public ValueTask<EventPage> ReadAllAsync(long afterPosition, int maxCount, EventFilter? filter = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        return ValueTask.FromResult(Readers.Use(reader => reader.ReadAll(afterPosition, maxCount, filter ?? EventFilter.All)));
    }

    /// <inheritdoc />
    public ValueTask<long> GetEndPositionAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Readers.Use(reader => reader.LastPosition()));

    /// <inheritdoc />
    public ValueTask<long> CountEventsAfterAsync(long position, long limit, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(limit <= 0 ? 0 : Readers.Use(reader => reader.CountAfter(position, limit)));

    /// <inheritdoc />
    public async ValueTask WaitForEventsAsync(long afterPosition, TimeSpan maxWait, CancellationToken cancellationToken = default)
    {
        // Taken before looking, so a commit between the look and the wait still wakes it.
        var appended = _database.Signals.Next(EventSignal.Key);
        if (Readers.Use(reader => reader.LastPosition()) > afterPosition)
        {
            return;
        }

        try
        {
            await appended.WaitAsync(maxWait, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // Nothing new within maxWait: the caller reads anyway (it polls).
        }
    }

    /// <inheritdoc />
    public async ValueTask<ISqlEventStoreTransaction> BeginTransactionAsync(CancellationToken cancellationToken = default)
    {
        var lease = new UnitOfWorkLease(_logger);
        await Writer.EnqueueAsync(lease, cancellationToken).ConfigureAwait(false);
        try
        {
            var batch = await lease.Granted.WaitAsync(cancellationToken).ConfigureAwait(false);
            return new SqliteEventStoreTransaction(lease, batch);
        }
        catch (OperationCanceledException)
        {
            lease.Finish(commit: false);
            throw;
        }
    }

    /// <inheritdoc />
    public ValueTask<long?> LoadCheckpointAsync(string name, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Readers.Use(reader => reader.LoadCheckpoint(name)));

    /// <inheritdoc />
    public async ValueTask SaveCheckpointAsync(string name, long position, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        await Write(batch => EventWrites.SaveCheckpoint(batch, name, position), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DeleteCheckpointAsync(string name, CancellationToken cancellationToken = default) =>
        await Write(batch => EventWrites.DeleteCheckpoint(batch, name), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask<Snapshot?> LoadSnapshotAsync(string streamId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Readers.Use(reader => reader.LoadSnapshot(streamId)));

    /// <inheritdoc />
    public async ValueTask SaveSnapshotAsync(Snapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        StreamNames.Validate(snapshot.StreamId);
        ArgumentException.ThrowIfNullOrWhiteSpace(snapshot.Type);
        await Write(batch => EventWrites.SaveSnapshot(batch, snapshot), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _readers?.Dispose();
        if (_ownsDatabase)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }

    private Task<bool> Write(Action<WriteBatch> write, CancellationToken cancellationToken) =>
        Writer.ExecuteAsync(new DelegateOperation<bool>(batch =>
        {
            write(batch);
            return true;
        }), cancellationToken);
}
