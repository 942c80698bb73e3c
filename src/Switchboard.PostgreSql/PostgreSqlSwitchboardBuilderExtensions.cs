using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Switchboard.Persistence;
using Switchboard.PostgreSql;

namespace Switchboard.Configuration;

/// <summary>Selects the PostgreSQL store.</summary>
public static class PostgreSqlSwitchboardBuilderExtensions
{
    /// <summary>The name of the store's health check: healthy when its database answers.</summary>
    public const string HealthCheckName = "switchboard-postgresql-store";

    /// <summary>
    /// Keeps inbox, outbox and saga state in PostgreSQL, in the schema <see cref="PostgreSqlStoreOptions.Schema"/>
    /// (default <c>switchboard</c>), created or upgraded when the bus starts. Handlers of transactional endpoints run
    /// their own commands on the unit of work's transaction; on it, unqualified table names resolve to the store's
    /// schema first (see <see cref="PostgreSqlStoreOptions.SchemaOnSearchPath"/>). The store's timestamps use the
    /// bus's <see cref="TimeProvider"/>, the clock of the outbox relay. Registers the health check
    /// <see cref="HealthCheckName"/> (tags <c>switchboard</c>, <c>ready</c>). While the database cannot be reached at
    /// start, the bus keeps trying in the background.
    /// </summary>
    /// <param name="builder">The bus being configured.</param>
    /// <param name="connectionString">An Npgsql connection string.</param>
    /// <param name="configure">Changes the other settings (schema, search path, clock, or a data source of your own), e.g. <c>o => o with { Schema = "orders" }</c>.</param>
    /// <param name="storeOptions">How the outbox relay and the inbox clean-up behave.</param>
    public static SwitchboardBuilder UsePostgreSqlStore(this SwitchboardBuilder builder, string connectionString, Func<PostgreSqlStoreOptions, PostgreSqlStoreOptions>? configure = null, StoreOptions? storeOptions = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var options = new PostgreSqlStoreOptions { ConnectionString = connectionString };
        options = configure is null ? options : configure(options);
        return builder.UsePostgreSqlStore(_ => options, storeOptions);
    }

    /// <summary>
    /// Keeps inbox, outbox and saga state in PostgreSQL as the other overload does, with the settings bound from
    /// <paramref name="section"/> (e.g. <c>{ "ConnectionString": "…", "Schema": "orders" }</c>), checked when the host
    /// starts: a missing connection string or schema, or a key that is no setting, fails the start naming the key.
    /// </summary>
    /// <param name="builder">The bus being configured.</param>
    /// <param name="section">The store's section, e.g. <c>configuration.GetSection("Switchboard:PostgreSql")</c>.</param>
    /// <param name="storeOptions">How the outbox relay and the inbox clean-up behave.</param>
    public static SwitchboardBuilder UsePostgreSqlStore(this SwitchboardBuilder builder, IConfiguration section, StoreOptions? storeOptions = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddValidatedOptions<PostgreSqlStoreOptions>(section, static (o, rules) => PostgreSqlOptionRules.Check(o.ConnectionString, o.DataSource, o.Schema, rules));
        return builder.UsePostgreSqlStore(sp => sp.GetRequiredService<IOptions<PostgreSqlStoreOptions>>().Value, storeOptions);
    }

    private static SwitchboardBuilder UsePostgreSqlStore(this SwitchboardBuilder builder, Func<IServiceProvider, PostgreSqlStoreOptions> options, StoreOptions? storeOptions)
    {
        PostgreSqlHealthCheck.Register(builder.Services, HealthCheckName, "message store", sp => ((PostgreSqlMessageStore)sp.GetRequiredService<IMessageStore>()).DataSource);
        return builder.UseSqlStore(services => new PostgreSqlMessageStore(options(services), services.GetService(typeof(TimeProvider)) as TimeProvider), storeOptions);
    }
}
