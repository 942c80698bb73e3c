using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
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
    /// <param name="configure">Changes the other settings (schema, search path, notifications, clock, or a data source of your own), e.g. <c>o => o with { Schema = "orders" }</c>.</param>
    public static SwitchboardBuilder UsePostgreSqlEventStore(this SwitchboardBuilder builder, string connectionString, Func<PostgreSqlEventStoreOptions, PostgreSqlEventStoreOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new PostgreSqlEventStoreOptions { ConnectionString = connectionString };
        options = configure is null ? options : configure(options);
        return builder.UsePostgreSqlEventStore(_ => options);
    }

    /// <summary>
    /// Keeps event streams, checkpoints and snapshots in PostgreSQL as the other overload does, with the settings
    /// bound from <paramref name="section"/>, checked when the host starts (a missing connection string or schema, or a
    /// key that is no setting, fails the start naming the key).
    /// </summary>
    /// <param name="builder">The bus being configured.</param>
    /// <param name="section">The event store's section, e.g. <c>configuration.GetSection("Switchboard:EventStore")</c>.</param>
    public static SwitchboardBuilder UsePostgreSqlEventStore(this SwitchboardBuilder builder, IConfiguration section)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<PostgreSqlEventStoreOptions>(section, static (o, rules) => PostgreSqlOptionRules.Check(o.ConnectionString, o.DataSource, o.Schema, rules));
        return builder.UsePostgreSqlEventStore(sp => sp.GetRequiredService<IOptions<PostgreSqlEventStoreOptions>>().Value);
    }

    private static SwitchboardBuilder UsePostgreSqlEventStore(this SwitchboardBuilder builder, Func<IServiceProvider, PostgreSqlEventStoreOptions> options)
    {
        PostgreSqlHealthCheck.Register(builder.Services, HealthCheckName, "event store", sp => ((PostgreSqlEventStore)sp.GetRequiredService<EventSourcing.IEventStore>()).DataSource);
        return builder.UseEventStore(services => new PostgreSqlEventStore(options(services), services.GetService(typeof(TimeProvider)) as TimeProvider));
    }
}
