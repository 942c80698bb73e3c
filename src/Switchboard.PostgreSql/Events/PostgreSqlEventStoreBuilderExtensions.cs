using Microsoft.Extensions.DependencyInjection;
using Switchboard.PostgreSql;

namespace Switchboard.Configuration;

/// <summary>Selects the PostgreSQL event store.</summary>
public static class PostgreSqlEventStoreBuilderExtensions
{
    /// <summary>The name of the event store's health check: healthy when its database answers.</summary>
    public const string HealthCheckName = "switchboard-postgresql-event-store";

    /// <summary>
    /// Keeps event streams, checkpoints and snapshots in PostgreSQL, in the schema
    /// <see cref="PostgreSqlEventStoreOptions.Schema"/> (default <c>switchboard</c>, shared with the message store when
    /// both use it), created or upgraded when the bus starts. Recorded events' times use the bus's
    /// <see cref="TimeProvider"/>. Registers the health check <see cref="HealthCheckName"/> (tags <c>switchboard</c>,
    /// <c>ready</c>). While the database cannot be reached at start, event sourcing keeps trying in the background.
    /// </summary>
    /// <param name="builder">The bus being configured.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Changes the other settings (schema, search path, notifications, clock, or a data source of your own).</param>
    public static SwitchboardBuilder UsePostgreSqlEventStore(this SwitchboardBuilder builder, string connectionString, Action<PostgreSqlEventStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new PostgreSqlEventStoreOptions { ConnectionString = connectionString };
        configure?.Invoke(options);
        PostgreSqlHealthCheck.Register(builder.Services, HealthCheckName, "event store", sp => ((PostgreSqlEventStore)sp.GetRequiredService<EventSourcing.IEventStore>()).DataSource);
        return builder.UseEventStore(services => new PostgreSqlEventStore(options, services.GetService(typeof(TimeProvider)) as TimeProvider));
    }
}
