using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Persistence;
using Switchboard.Sqlite;
using Switchboard.Sqlite.Store;

namespace Switchboard.Configuration;

/// <summary>Selects the SQLite store.</summary>
public static class SqliteStoreBuilderExtensions
{
    /// <summary>
    /// Keeps inbox, outbox and saga state in the SQLite transport's own file (call <c>UseSqlite</c> too): a unit of
    /// work's messages join its transaction directly, with no outbox hop.
    /// </summary>
    public static SwitchboardBuilder UseSqliteStore(this SwitchboardBuilder builder, StoreOptions? options = null) =>
        builder.UseSqlStore(services => new SqliteMessageStore(
            services.GetService<SqliteTransport>() ?? throw new InvalidOperationException("UseSqliteStore() without a path needs the SQLite transport (UseSqlite); otherwise pass the store's own file."),
            services.GetService<ILoggerFactory>()), options);

    /// <summary>Keeps inbox, outbox and saga state in a SQLite file of its own; messages go out through its outbox.</summary>
    public static SwitchboardBuilder UseSqliteStore(this SwitchboardBuilder builder, SqliteTransportOptions file, StoreOptions? options = null) =>
        builder.UseSqlStore(services => new SqliteMessageStore(file, services.GetService<ILoggerFactory>()), options);
}
