using Npgsql;

namespace Switchboard.PostgreSql;

/// <summary>Settings of the PostgreSQL event store. The store reads them once, when it is created.</summary>
public sealed record PostgreSqlEventStoreOptions
{
    /// <summary>
    /// The Npgsql connection string. The store builds its own <see cref="NpgsqlDataSource"/> (connection pool) from
    /// it, with <see cref="Schema"/> first on the search path (see <see cref="SchemaOnSearchPath"/>) and automatic
    /// preparation of its statements (unless the string sets <c>Max Auto Prepare</c>), and disposes it with the store.
    /// Ignored when <see cref="DataSource"/> is set.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>
    /// A data source to use instead of <see cref="ConnectionString"/>. It stays the caller's: the store does not
    /// dispose it and does not change its settings.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; init; }

    /// <summary>
    /// The schema of the event store's tables (<c>events</c>, <c>event_streams</c>, <c>event_checkpoints</c>,
    /// <c>event_snapshots</c>); created at initialization when missing. It may be the message store's schema: both
    /// stores apply the same numbered migrations, so the schema gets the tables of both. Taken as is, case included.
    /// Default <c>switchboard</c>.
    /// </summary>
    public string Schema { get; init; } = "switchboard";

    /// <summary>
    /// Whether the store's own data source puts <see cref="Schema"/> first on the connections' search path, so that
    /// read-model SQL on <see cref="EventSourcing.ISqlEventStoreTransaction.Connection"/> finds the schema's tables by
    /// unqualified names. The store's own statements always name the schema. Default true.
    /// </summary>
    public bool SchemaOnSearchPath { get; init; } = true;

    /// <summary>
    /// Whether <see cref="PostgreSqlEventStore.WaitForEventsAsync"/> listens for appends (<c>LISTEN</c> on one
    /// connection per store instance; appends send <c>NOTIFY</c>). False, e.g. behind a pooler in transaction mode,
    /// where <c>LISTEN</c> does not work: waits then always last their <c>maxWait</c> (polling). Appends notify either
    /// way, for other processes that listen. Default true.
    /// </summary>
    public bool ListenForAppends { get; init; } = true;

    /// <summary>The clock of recorded events' <c>Created</c> and of checkpoints and snapshots. Null: the bus's clock when registered with <c>UsePostgreSqlEventStore</c>, else <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }
}
