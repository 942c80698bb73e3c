using Npgsql;

namespace Shop.AppHost;

/// <summary>
/// The RabbitMQ node and PostgreSQL server the distributed Shop runs on, as their administrators reach them: the broker's
/// management API with an administrator's credentials (to create the vhost and the services' users), its AMQP address,
/// and a PostgreSQL role that may create the database. scripts/services/*.sh print these as environment variables.
/// </summary>
public sealed record ShopServers(Uri Management, Uri Amqp, string Postgres)
{
    /// <summary>The environment variables that name the servers.</summary>
    public const string ManagementVariable = "SWITCHBOARD_RABBITMQ_MANAGEMENT";

    /// <inheritdoc cref="ManagementVariable"/>
    public const string AmqpVariable = "SWITCHBOARD_RABBITMQ_URI";

    /// <inheritdoc cref="ManagementVariable"/>
    public const string PostgresVariable = "SWITCHBOARD_POSTGRES_CONNECTION";

    /// <summary>The servers from the environment; the first missing or malformed variable is the error.</summary>
    public static ShopServers FromEnvironment()
    {
        var management = Required(ManagementVariable, "the management API's URI with an administrator's credentials (http://admin:secret@127.0.0.1:15672/)");
        var amqp = Required(AmqpVariable, "an AMQP URI of the node (amqp://127.0.0.1:5672/; its credentials and vhost are not used)");
        var postgres = Required(PostgresVariable, "an Npgsql connection string of a role that may create databases");
        if (!Uri.TryCreate(management, UriKind.Absolute, out var managementUri) || managementUri.Scheme is not ("http" or "https"))
        {
            throw new ArgumentException($"{ManagementVariable} must be an http(s) URI.");
        }

        if (!Uri.TryCreate(amqp, UriKind.Absolute, out var amqpUri) || amqpUri.Scheme is not ("amqp" or "amqps"))
        {
            throw new ArgumentException($"{AmqpVariable} must be an amqp:// or amqps:// URI.");
        }

        try
        {
            _ = new NpgsqlConnectionStringBuilder(postgres);
        }
        catch (ArgumentException)
        {
            throw new ArgumentException($"{PostgresVariable} is not an Npgsql connection string.");
        }

        return new ShopServers(managementUri, amqpUri, postgres);
    }

    /// <summary>The AMQP address of <paramref name="vhost"/>, without credentials (each service gets a user of its own).</summary>
    public Uri AmqpFor(string vhost) => new UriBuilder(Amqp) { UserName = "", Password = "", Path = "/" + Uri.EscapeDataString(vhost) }.Uri;

    /// <summary>The PostgreSQL connection string on <paramref name="database"/>, each pool at most <paramref name="maxPoolSize"/> connections.</summary>
    public string PostgresFor(string database, int maxPoolSize) =>
        new NpgsqlConnectionStringBuilder(Postgres) { Database = database, MaxPoolSize = maxPoolSize }.ToString();

    private static string Required(string name, string what) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new ArgumentException($"set {name} to {what}; scripts/distributed.sh does, from scripts/services/rabbitmq.sh and postgresql.sh.");
}
