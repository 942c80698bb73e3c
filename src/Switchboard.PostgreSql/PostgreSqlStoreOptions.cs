using Npgsql;

namespace Switchboard.PostgreSql;

/// <summary>Settings of the PostgreSQL store. The store reads them once, when it is created.</summary>
public sealed record PostgreSqlStoreOptions
{
    /// <summary>
    /// The Npgsql connection string. The store builds its own <see cref="NpgsqlDataSource"/> (connection pool) from
    /// it, with <see cref="Schema"/> first on the search path (see <see cref="SchemaOnSearchPath"/>), and disposes it
    /// with the store. Ignored when <see cref="DataSource"/> is set.
    /// </summary>
    public string? ConnectionString { get; init; }

    /// <summary>
    /// A data source to use instead of <see cref="ConnectionString"/>. It stays the caller's: the store does not
    /// dispose it and does not change its search path.
    /// </summary>
    public NpgsqlDataSource? DataSource { get; init; }

    /// <summary>
    /// The schema of the store's tables (<c>inbox</c>, <c>outbox</c>, <c>sagas</c>, <c>schema_migrations</c>); created
    /// at initialization when missing. Taken as is, case included (it is always quoted). Default <c>switchboard</c>.
    /// </summary>
    public string Schema { get; init; } = "switchboard";

    /// <summary>
    /// Whether the store's own data source (built from <see cref="ConnectionString"/>) puts <see cref="Schema"/> first
    /// on the connections' search path, before the connection string's own <c>Search Path</c> (PostgreSQL's default
    /// <c>"$user", public</c> when it has none): handlers' unqualified table names on
    /// <c>ISqlUnitOfWork.GetDbTransactionAsync</c>'s connection then resolve to the store's schema first, and
    /// unqualified <c>CREATE</c>s land there. The store's own statements always name the schema. Default true.
    /// </summary>
    public bool SchemaOnSearchPath { get; init; } = true;

    /// <summary>
    /// The clock of the store's timestamps (inbox, outbox, sagas). Null: the bus's <see cref="System.TimeProvider"/>
    /// when the store is registered with <c>UsePostgreSqlStore</c>, else <see cref="TimeProvider.System"/>.
    /// </summary>
    public TimeProvider? TimeProvider { get; init; }
}
