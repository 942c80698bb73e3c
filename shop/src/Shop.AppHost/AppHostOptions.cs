namespace Shop.AppHost;

/// <summary>What the command line chose: the layout, and where on the servers this Shop lives.</summary>
public sealed record AppHostOptions
{
    /// <summary>Instances per service and the APIs' ports.</summary>
    public required ShopLayout Layout { get; init; }

    /// <summary>The RabbitMQ vhost (created when missing).</summary>
    public string Vhost { get; init; } = "shop";

    /// <summary>The PostgreSQL database (created when missing); each service keeps its state in a schema of its own.</summary>
    public string Database { get; init; } = "shop";

    /// <summary>The broker users' names: this, then the service's name.</summary>
    public string BrokerUserPrefix { get; init; } = "shop-";

    /// <summary>The connections the whole Shop may open to PostgreSQL (<see cref="ConnectionBudget"/>).</summary>
    public int PostgresConnections { get; init; } = ConnectionBudget.DefaultBudget;

    /// <summary>How long each call to the simulated payment gateway takes, passed to the Payment processes (<c>--gateway-latency</c>).</summary>
    public TimeSpan? GatewayLatency { get; init; }

    /// <summary>Messages each process of a service handles at once, by service (<c>shop run --concurrency</c>); a service not named keeps its own default.</summary>
    public IReadOnlyDictionary<string, int> Concurrency { get; init; } = new Dictionary<string, int>(StringComparer.Ordinal);

    /// <summary>Whether the processes send their logs, traces and metrics to the dashboard (OTLP); their console output always reaches it.</summary>
    public bool Telemetry { get; init; } = true;

    /// <summary>Where the services' broker credentials (owner-only files) and the shared signing key are kept.</summary>
    public string DataDirectory { get; init; } = Path.Combine("data", "distributed");

    /// <summary>The development signing key every process shares.</summary>
    public string SigningKeyFile => Path.GetFullPath(Path.Combine(DataDirectory, Http.DevelopmentSigningKey.FileName));
}
