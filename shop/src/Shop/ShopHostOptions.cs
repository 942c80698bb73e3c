using Switchboard.Sqlite;

using Shop.Http;
using Shop.Notification;

namespace Shop;

/// <summary>How a shop process runs: which services, on which transport and store.</summary>
public sealed record ShopHostOptions
{
    /// <summary>The services this process runs (names in <see cref="ShopServices.Names"/>).</summary>
    public IReadOnlyList<string> Services { get; init; } = ShopServices.Names;

    /// <summary>The transport: the embedded SQLite default or RabbitMQ.</summary>
    public ShopTransport Transport { get; init; } = ShopTransport.Sqlite;

    /// <summary>The store: the embedded SQLite default or PostgreSQL.</summary>
    public ShopStore Store { get; init; } = ShopStore.Sqlite;

    /// <summary>Where the embedded default keeps its SQLite file (<c>shop.db</c>).</summary>
    public string DataDirectory { get; init; } = "data";

    /// <summary>
    /// What a commit of the embedded SQLite file survives: <see cref="SqliteDurability.Full"/> (the default: a power
    /// loss) or <see cref="SqliteDurability.Normal"/> (a process crash; the WAL is fsynced at checkpoints only).
    /// </summary>
    public SqliteDurability Durability { get; init; } = SqliteDurability.Full;

    /// <summary>The RabbitMQ URI (transport <c>rabbitmq</c>).</summary>
    public Uri? RabbitMq { get; init; }

    /// <summary>
    /// Whether an administrator provisioned the broker's topology (<c>shop broker-users</c>): the process then declares
    /// nothing and only checks that its queues and exchanges exist, as a least-privilege user must.
    /// </summary>
    public bool RabbitMqProvisioned { get; init; }

    /// <summary>The Npgsql connection string (store <c>postgres</c>).</summary>
    public string? Postgres { get; init; }

    /// <summary>The HTTP address the APIs listen on (loopback).</summary>
    public string Url { get; init; } = "http://127.0.0.1:5080";

    /// <summary>
    /// Where the APIs' tokens come from. Default: development tokens signed with the key in
    /// <see cref="SigningKeyFile"/>, created there when missing.
    /// </summary>
    public ShopAuthenticationOptions? Authentication { get; init; }

    /// <summary>The rate limit of <c>POST /orders</c> per customer; null: the defaults of <see cref="OrderRateLimitOptions"/>.</summary>
    public OrderRateLimitOptions? OrderRateLimit { get; init; }

    /// <summary>How long an order may stay unfinished before the Order Service cancels and compensates it.</summary>
    public TimeSpan? StuckOrderTimeout { get; init; }

    /// <summary>How long each call to the simulated payment gateway takes (a real one takes tens of milliseconds). Default zero.</summary>
    public TimeSpan GatewayLatency { get; init; }

    /// <summary>
    /// Messages each of this process's service endpoints handles at once; null: each service's own default (order and
    /// payment 32, the others 4). What one instance can do is about this divided by a message's time (50 ms a charge
    /// with a gateway that slow): more handlers or more instances raise it.
    /// </summary>
    public int? Concurrency { get; init; }

    /// <summary>Whether to run the audit endpoint that records every Shop event for the invariant check (the demo does).</summary>
    public bool Audit { get; init; }

    /// <summary>The mail server through which the Notification service also emails each notification; null: the mailbox only.</summary>
    public SmtpOptions? Smtp { get; init; }

    /// <summary>
    /// The Notification endpoint's retries; null: its default (<see cref="Infrastructure.ShopEndpointOptions.UntilEarlierEventArrives"/>,
    /// about two minutes before a notification whose mail server stays down is dead-lettered).
    /// </summary>
    public Switchboard.RetryPolicy? NotificationRetry { get; init; }

    /// <summary>The SQLite file of the embedded default.</summary>
    public string SqlitePath => Path.Combine(DataDirectory, "shop.db");

    /// <summary>The development signing key's file: the one <see cref="Authentication"/> names, else <c>jwt-signing.key</c> in <see cref="DataDirectory"/>.</summary>
    public string SigningKeyFile => Authentication?.SigningKeyFile ?? Path.Combine(DataDirectory, DevelopmentSigningKey.FileName);

    /// <summary><see cref="Authentication"/> with <see cref="SigningKeyFile"/> filled in.</summary>
    public ShopAuthenticationOptions EffectiveAuthentication => (Authentication ?? new ShopAuthenticationOptions()) with { SigningKeyFile = SigningKeyFile };
}
