using Microsoft.Extensions.Logging;
using Switchboard.Auditing;
using Switchboard.Persistence;
using Switchboard.Sqlite.Writing;

namespace Switchboard.Sqlite.Store;

/// <summary>
/// The store on SQLite: inbox, outbox and sagas in the same file as a SQLite transport (then messages that units
/// of work send join their transaction directly, without an outbox hop), or in a file of its own (then they go
/// through the outbox, e.g. when the transport is RabbitMQ). Every write goes through the file's one writer, so
/// units of work are group-committed with the transport's own writes.
/// </summary>
public sealed class SqliteMessageStore : ISqlMessageStore, IAuditLogStore
{
    private readonly SqliteTransport _database;
    private readonly bool _ownsDatabase;
    private int _disposed;
    private SqliteOutboxStore? _outbox;
    private SqliteAuditLog? _auditLog;
    private StoreReaders? _readers;

    /// <summary>
    /// A store in the same file as <paramref name="transport"/>; messages join units of work directly.
    /// </summary>
    public SqliteMessageStore(SqliteTransport transport, ILoggerFactory? loggers = null)
        : this(transport, owns: false, joinsTransport: true, loggers)
    {
    }

    /// <summary>A store in a file of its own; messages go through its outbox.</summary>
    public SqliteMessageStore(SqliteTransportOptions options, ILoggerFactory? loggers = null)
        : this(new SqliteTransport(options, loggers), owns: true, joinsTransport: false, loggers)
    {
    }

    private SqliteMessageStore(SqliteTransport database, bool owns, bool joinsTransport, ILoggerFactory? loggers)
    {
        _database = database;
        _ownsDatabase = owns;
        JoinsTransport = joinsTransport;
        Logger = (loggers ?? Microsoft.Extensions.Logging.Abstractions.NullLoggerFactory.Instance).CreateLogger("Switchboard.Sqlite.Store");
    }

    /// <inheritdoc />
    public string Name => "sqlite";

    /// <inheritdoc />
    public IOutboxStore Outbox => _outbox ?? throw new InvalidOperationException("The SQLite store has not been initialized.");

    /// <inheritdoc />
    public IAuditLog AuditLog => _auditLog ?? throw new InvalidOperationException("The SQLite store has not been initialized.");

    /// <summary>True when units of work write their messages straight into the transport's tables.</summary>
    internal bool JoinsTransport { get; }

    internal ILogger Logger { get; }

    internal SqliteWriter Writer => _database.Writer;

    internal SqliteConnections Connections => _database.Connections;

    /// <inheritdoc />
    public async ValueTask InitializeAsync(CancellationToken cancellationToken = default)
    {
        // Starts the database when this store owns it; a shared transport was started by the bus already.
        await _database.StartAsync(cancellationToken).ConfigureAwait(false);
        await Writer.ExecuteAsync(new DelegateOperation<bool>(batch =>
        {
            using var command = batch.CreateCommand();
            command.CommandText = SqliteStoreSchema.Create + SqliteAuditLog.Schema;
            command.ExecuteNonQuery();
            return true;
        }), cancellationToken).ConfigureAwait(false);
        _outbox = new SqliteOutboxStore(Connections, Writer);
        _auditLog = new SqliteAuditLog(Connections, Writer);
        _readers = new StoreReaders(Connections);
    }

    /// <inheritdoc />
    public ValueTask<ISqlStoreTransaction> BeginAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<ISqlStoreTransaction>(new SqliteStoreTransaction(this));

    /// <inheritdoc />
    public ValueTask<bool> WasHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        return ValueTask.FromResult(WasHandled(endpoint, messageId));
    }

    /// <inheritdoc />
    public async ValueTask<int> PurgeInboxAsync(DateTimeOffset before, CancellationToken cancellationToken = default) =>
        await Writer.ExecuteAsync(new DelegateOperation<int>(batch =>
        {
            using var command = batch.CreateCommand();
            command.CommandText = "DELETE FROM sb_inbox WHERE handled_at < $before";
            command.Parameters.AddWithValue("$before", before.ToUnixTimeMilliseconds());
            return command.ExecuteNonQuery();
        }), cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Once: the container disposes it under each contract it was resolved as (IMessageStore, ISqlMessageStore).
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _readers?.Dispose();
        if (_ownsDatabase)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal bool WasHandled(string endpoint, string messageId) => Readers.WasHandled(endpoint, messageId);

    internal SagaRecord? LoadSaga(string saga, string key) => Readers.LoadSaga(saga, key);

    private StoreReaders Readers => _readers ?? throw new InvalidOperationException("The SQLite store has not been initialized.");
}
