using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Sqlite;

namespace Switchboard.Configuration;

/// <summary>Selects the SQLite transport.</summary>
public static class SqliteSwitchboardBuilderExtensions
{
    /// <summary>Uses the SQLite file at <paramref name="path"/> as the broker, with default settings.</summary>
    public static SwitchboardBuilder UseSqlite(this SwitchboardBuilder builder, string path) =>
        builder.UseSqlite(new SqliteTransportOptions { Path = path });

    /// <summary>Uses a SQLite file as the broker. Every process that opens the same file shares its queues.</summary>
    public static SwitchboardBuilder UseSqlite(this SwitchboardBuilder builder, SqliteTransportOptions options)
    {
        // One instance per container, resolvable so that the SQLite store can share its file and writer.
        builder.Services.AddSingleton(services => new SqliteTransport(options, services.GetService<ILoggerFactory>()));
        return builder.UseTransport(services => services.GetRequiredService<SqliteTransport>());
    }
}
