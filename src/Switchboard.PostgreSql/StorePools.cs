using Npgsql;

namespace Switchboard.PostgreSql;

/// <summary>
/// A store's two connection pools. <see cref="Statements"/> serves the store's own statements, which change no session
/// state, so its connections skip the reset Npgsql sends when a connection goes back to the pool (a <c>DISCARD ALL</c>'s
/// worth of server work per statement). <see cref="Shared"/> serves the connections handed to application code, which
/// keep it. Both auto-prepare. A data source the application passes in serves both, as configured, and stays its own.
/// </summary>
internal sealed class StorePools : IAsyncDisposable
{
    // Statements are few and run for every message or append: prepared once per pooled connection.
    private const int AutoPrepare = 32;

    private readonly bool _owned;

    private StorePools(NpgsqlDataSource shared, NpgsqlDataSource statements, bool owned)
    {
        Shared = shared;
        Statements = statements;
        _owned = owned;
    }

    /// <summary>The pool for connections handed to application code (and for migrations and health checks).</summary>
    public NpgsqlDataSource Shared { get; }

    /// <summary>The pool for the store's own statements (<see cref="Shared"/> when the application passed one in).</summary>
    public NpgsqlDataSource Statements { get; }

    /// <summary>
    /// The pools for a store on <paramref name="schema"/>: <paramref name="given"/>, else two built from
    /// <paramref name="connectionString"/>; without either, an <see cref="ArgumentException"/> for <paramref name="optionsName"/>.
    /// </summary>
    public static StorePools For(NpgsqlDataSource? given, string? connectionString, string schema, bool schemaOnSearchPath, string store, string optionsName)
    {
        if (given is not null)
        {
            return new StorePools(given, given, owned: false);
        }

        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new ArgumentException($"The PostgreSQL {store} needs a ConnectionString or a DataSource.", optionsName);
        }

        return new StorePools(
            PostgreSqlDataSources.Create(connectionString, schema, schemaOnSearchPath, AutoPrepare, resetOnClose: true),
            PostgreSqlDataSources.Create(connectionString, schema, schemaOnSearchPath, AutoPrepare, resetOnClose: false),
            owned: true);
    }

    /// <summary>Disposes the pools this type built (closing their connections); a data source passed in stays open.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_owned)
        {
            return;
        }

        try
        {
            await Statements.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            await Shared.DisposeAsync().ConfigureAwait(false);
        }
    }
}
