using Npgsql;
using NpgsqlTypes;
using Switchboard.Auditing;
using Switchboard.Persistence;

namespace Switchboard.PostgreSql;

/// <summary>
/// Inbox, outbox and saga instances in PostgreSQL tables of one schema (<see cref="PostgreSqlStoreOptions.Schema"/>),
/// so that they commit in one transaction with the handler's own changes: handlers run their commands on
/// <see cref="ISqlUnitOfWork.GetDbTransactionAsync"/>'s transaction (READ COMMITTED). <see cref="InitializeAsync"/>
/// creates and upgrades the schema by numbered scripts, safely when several processes start at once.
/// </summary>
/// <remarks>
/// <para>
/// Connections: the store keeps two <see cref="NpgsqlDataSource"/>s (pools), built from
/// <see cref="PostgreSqlStoreOptions.ConnectionString"/> with the store's schema first on the search path, and disposes
/// them with the store: one for its own statements, whose connections skip Npgsql's session reset when they go back
/// to the pool, and one for the transactions it hands to handlers, which keep it. Both prepare the statements they run
/// often (<c>Max Auto Prepare</c> 32, unless the connection string sets it). A <see cref="PostgreSqlStoreOptions.DataSource"/>
/// passed in serves both, as configured. Handlers' unqualified table names resolve to the store's schema first, then to
/// the connection string's search path (PostgreSQL's default <c>"$user", public</c>). A unit of work holds no connection while its handlers
/// run: its reads take a pooled connection per query, its writes wait for the commit, which sends them in one batch
/// (one round trip, one implicit transaction). Only when a handler asks for the database transaction does the unit of
/// work take a connection with a READ COMMITTED transaction, until it commits or is disposed (see
/// <see cref="PostgreSqlStoreTransaction"/>). The outbox and inbox queries outside units of work take one per call.
/// </para>
/// <para>
/// Clock: every time the store writes or compares is the application's (<see cref="PostgreSqlStoreOptions.TimeProvider"/>,
/// by default the bus's <see cref="TimeProvider"/>), never the database's <c>now()</c>. The outbox relay hands the
/// store times of its own clock (a failed message's retry time, the inbox purge's cut-off) and measures the age of
/// the oldest pending message against it, so one clock keeps those comparisons exact (a database clock would add
/// the skew between the two to every back-off and age, and would make a fake clock in tests useless). Between
/// processes, skew matters only when it exceeds <see cref="StoreOptions.DispatchGrace"/>: a relay whose clock runs
/// that far ahead could take a message its committer is still dispatching (sent twice, which the inbox absorbs).
/// </para>
/// </remarks>
public sealed class PostgreSqlMessageStore : ISqlMessageStore, IAuditLogStore, IOutboxStore
{
    private readonly NpgsqlDataSource _dataSource;
    private readonly NpgsqlDataSource _statements;
    private readonly StorePools _pools;
    private readonly TimeProvider _time;
    private readonly UnhandledHints _unhandledHints = new();
    private int _disposed;

    /// <summary>Creates a store; call <see cref="InitializeAsync"/> before using it (the bus does).</summary>
    public PostgreSqlMessageStore(PostgreSqlStoreOptions options)
        : this(options, null)
    {
    }

    internal PostgreSqlMessageStore(PostgreSqlStoreOptions options, TimeProvider? busTime)
    {
        ArgumentNullException.ThrowIfNull(options);
        PostgreSqlDataSources.ValidateSchema(options.Schema, nameof(options));
        Schema = options.Schema;
        Sql = new StoreSql(Schema);
        _time = options.TimeProvider ?? busTime ?? TimeProvider.System;
        _pools = StorePools.For(options.DataSource, options.ConnectionString, Schema, options.SchemaOnSearchPath, "store", nameof(options));
        _dataSource = _pools.Shared;
        _statements = _pools.Statements;
        Database = PostgreSqlDatabase.Of(_dataSource);
        AuditLog = new PostgreSqlAuditLog(_statements, Schema);
    }

    /// <inheritdoc />
    public string Name => "postgresql";

    /// <inheritdoc />
    public IOutboxStore Outbox => this;

    /// <inheritdoc />
    public IAuditLog AuditLog { get; }

    /// <summary>The schema of the store's tables.</summary>
    public string Schema { get; }

    internal StoreSql Sql { get; }

    internal NpgsqlDataSource DataSource => _dataSource;

    /// <summary>The pool for the store's own statements, which leave no session state behind (<see cref="DataSource"/> when one was passed in).</summary>
    internal NpgsqlDataSource Statements => _statements;

    /// <summary>The database of the store's connections.</summary>
    internal PostgreSqlDatabase Database { get; }

    internal DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Whether the database reported a lost race: a serialization failure, a deadlock, or (for an event append in a
    /// unit of work) a concurrent append that committed one of the append's event ids first.
    /// </summary>
    internal static bool IsConflict(PostgresException e) =>
        e.SqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected || PostgreSqlEventStore.IsDuplicateIdRace(e);

    /// <summary>Whether <paramref name="endpoint"/> has committed <paramref name="messageId"/>: one query on a pooled connection.</summary>
    internal async ValueTask<bool> QueryHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken)
    {
        var command = _statements.CreateCommand(Sql.WasHandled);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, endpoint));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, messageId));
            return (bool)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }
    }

    /// <summary>
    /// Whether <see cref="WasHandledAsync"/> recently found <paramref name="messageId"/> unhandled at
    /// <paramref name="endpoint"/>; the hint is used up. The transaction step asks just before it begins the unit of
    /// work, so that unit of work records the message without asking the database again.
    /// </summary>
    internal bool TakeUnhandledHint(string endpoint, string messageId) => _unhandledHints.Take(endpoint, messageId);

    /// <summary>Creates the schema when it is missing and applies the migration scripts it lacks; idempotent, and safe when processes start at once.</summary>
    public async ValueTask InitializeAsync(CancellationToken cancellationToken = default) =>
        await PostgreSqlMigrations.ApplyAsync(_dataSource, Schema, cancellationToken).ConfigureAwait(false);

    /// <inheritdoc />
    public ValueTask<ISqlStoreTransaction> BeginAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        return ValueTask.FromResult<ISqlStoreTransaction>(new PostgreSqlStoreTransaction(this));
    }

    /// <inheritdoc />
    /// <remarks>
    /// A false answer is also remembered for a while, so that the next unit of work recording this message here can
    /// skip its own check (see <see cref="TakeUnhandledHint"/>).
    /// </remarks>
    public async ValueTask<bool> WasHandledAsync(string endpoint, string messageId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(messageId);
        var handled = await QueryHandledAsync(endpoint, messageId, cancellationToken).ConfigureAwait(false);
        _unhandledHints.Remember(endpoint, messageId, handled);
        return handled;
    }

    /// <inheritdoc />
    /// <remarks>
    /// Besides <see cref="ConcurrencyConflictException"/>: a <see cref="PostgresException"/> with SQLSTATE
    /// <c>40001</c> (serialization_failure) or <c>40P01</c> (deadlock_detected), which handlers' own SQL on the
    /// unit of work's transaction may raise, or a unique violation of an event id by a concurrent append; also when
    /// another exception wraps one (as ORMs do).
    /// </remarks>
    public bool IsConcurrencyConflict(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is ConcurrencyConflictException || (e is PostgresException postgres && IsConflict(postgres)))
            {
                return true;
            }
        }

        return false;
    }

    /// <inheritdoc />
    public async ValueTask<int> PurgeInboxAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        var command = _statements.CreateCommand(Sql.PurgeInbox);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, before.ToUniversalTime()));
            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxEntry>> ClaimDueAsync(int max, TimeSpan minimumAge, TimeSpan claimFor, CancellationToken cancellationToken = default)
    {
        if (max <= 0)
        {
            return [];
        }

        var now = Now;
        var command = _statements.CreateCommand(Sql.ClaimDue);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, now));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, now - minimumAge));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Integer, max));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, now + claimFor));
            var claimed = new List<(OutboxEntry Entry, long Seq)>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    claimed.Add((OutboxColumns.Read(reader), reader.GetInt64(15)));
                }
            }

            // RETURNING has no order of its own: oldest first, as the claim chose them.
            claimed.Sort((a, b) => a.Entry.CreatedAt != b.Entry.CreatedAt ? a.Entry.CreatedAt.CompareTo(b.Entry.CreatedAt) : a.Seq.CompareTo(b.Seq));
            return claimed.ConvertAll(c => c.Entry);
        }
    }

    /// <inheritdoc />
    public async ValueTask MarkDispatchedAsync(IReadOnlyCollection<string> messageIds, CancellationToken cancellationToken = default)
    {
        if (messageIds.Count == 0)
        {
            return;
        }

        var command = _statements.CreateCommand(Sql.MarkDispatched);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Array | NpgsqlDbType.Text, messageIds.ToArray()));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask MarkFailedAsync(string messageId, string error, DateTimeOffset retryAt, bool quarantine, CancellationToken cancellationToken = default)
    {
        var command = _statements.CreateCommand(Sql.MarkFailed);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, messageId));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Text, error));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, retryAt.ToUniversalTime()));
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Boolean, quarantine));
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask<OutboxStatistics> GetStatisticsAsync(CancellationToken cancellationToken = default)
    {
        var command = _statements.CreateCommand(Sql.Statistics);
        await using (command.ConfigureAwait(false))
        {
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                return new OutboxStatistics(
                    reader.GetInt64(0),
                    reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
                    reader.GetInt64(2));
            }
        }
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<OutboxEntry>> ListQuarantinedAsync(int max, CancellationToken cancellationToken = default)
    {
        if (max <= 0)
        {
            return [];
        }

        var command = _statements.CreateCommand(Sql.ListQuarantined);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Integer, max));
            var entries = new List<OutboxEntry>();
            var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await using (reader.ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    entries.Add(OutboxColumns.Read(reader));
                }
            }

            return entries;
        }
    }

    /// <inheritdoc />
    public async ValueTask<int> ReleaseQuarantinedAsync(IReadOnlyCollection<string>? messageIds = null, CancellationToken cancellationToken = default)
    {
        if (messageIds is { Count: 0 })
        {
            return 0;
        }

        var command = _statements.CreateCommand(messageIds is null ? Sql.ReleaseAllQuarantined : Sql.ReleaseQuarantined);
        await using (command.ConfigureAwait(false))
        {
            command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.TimestampTz, Now));
            if (messageIds is not null)
            {
                command.Parameters.Add(OutboxColumns.Parameter(NpgsqlDbType.Array | NpgsqlDbType.Text, messageIds.ToArray()));
            }

            return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Disposes the store's own data source (closing its pooled connections); a data source passed in options stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _pools.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The store's schema, quoted, before <paramref name="configured"/> (PostgreSQL's default when empty).</summary>
    internal static string SearchPath(string schema, string? configured) =>
        PostgreSqlNames.Quote(schema) + ", " + (string.IsNullOrWhiteSpace(configured) ? "\"$user\", public" : configured);
}
