using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
    public static SwitchboardBuilder UseSqlite(this SwitchboardBuilder builder, SqliteTransportOptions options) =>
        builder.UseSqlite(_ => options);

    /// <summary>
    /// Uses a SQLite file as the broker, with the settings bound from <paramref name="section"/> (e.g.
    /// <c>{ "Path": "shop.db", "LeaseDuration": "00:01:00" }</c>), checked when the host starts: a missing path, a
    /// value out of range or a key that is no setting fails the start, naming the key.
    /// </summary>
    public static SwitchboardBuilder UseSqlite(this SwitchboardBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<SqliteTransportOptions>(section, SqliteTransportOptions.Check);
        return builder.UseSqlite(services => services.GetRequiredService<IOptions<SqliteTransportOptions>>().Value);
    }

    private static SwitchboardBuilder UseSqlite(this SwitchboardBuilder builder, Func<IServiceProvider, SqliteTransportOptions> options)
    {
        // One instance per container, resolvable so that the SQLite store can share its file and writer.
        builder.Services.AddSingleton(services => new SqliteTransport(options(services), services.GetService<ILoggerFactory>()));
        return builder.UseTransport(services => services.GetRequiredService<SqliteTransport>());
    }
}
