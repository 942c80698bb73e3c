using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Sqlite;
using Switchboard.Sqlite.Events;

namespace Switchboard.Configuration;

/// <summary>Selects the SQLite event store.</summary>
public static class SqliteEventStoreBuilderExtensions
{
    /// <summary>
    /// Keeps the event store in the SQLite transport's own file (call <c>UseSqlite</c> too): appends share the
    /// transport's writer and its group commits.
    /// </summary>
    public static SwitchboardBuilder UseSqliteEventStore(this SwitchboardBuilder builder) =>
        builder.UseEventStore(services => new SqliteEventStore(
            services.GetService<SqliteTransport>() ?? throw new InvalidOperationException("UseSqliteEventStore() without options needs the SQLite transport (UseSqlite); otherwise pass the event store's own file."),
            services.GetService<ILoggerFactory>()));

    /// <summary>Keeps the event store in a SQLite file of its own, with its own writer.</summary>
    public static SwitchboardBuilder UseSqliteEventStore(this SwitchboardBuilder builder, SqliteTransportOptions options) =>
        builder.UseEventStore(services => new SqliteEventStore(options, services.GetService<ILoggerFactory>()));
}
