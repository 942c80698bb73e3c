using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Shop.Contracts;
using Shop.Http;
using Shop.Infrastructure;
using Shop.Invariants;
using Shop.ServiceDefaults;
using Switchboard.Configuration;
using Switchboard.PostgreSql;
using Switchboard.Sqlite;
using Switchboard.Sqlite.Events;

namespace Shop;

/// <summary>Builds one shop process: the chosen services on one bus, their APIs on one loopback web server.</summary>
public static class ShopHost
{
    /// <summary>The largest request body the APIs accept (413 beyond).</summary>
    public const long MaxRequestBody = 64 * 1024;

    /// <summary>
    /// Builds (does not start) the process; <paramref name="ledger"/> is fed when <see cref="ShopHostOptions.Audit"/>.
    /// Throws <see cref="ArgumentException"/> for options that cannot work (an unknown service, a missing connection
    /// string, an unusable signing key).
    /// </summary>
    public static WebApplication Build(ShopHostOptions options, EventLedger? ledger = null, LogLevel logLevel = LogLevel.Warning)
    {
        ShopServices.Validate(options.Services);
        // No configuration file watching: by default the content root (the working directory, which holds ./data) is
        // watched for appsettings changes, and every write to the SQLite WAL would wake that watcher.
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ContentRootPath = AppContext.BaseDirectory,
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.SetMinimumLevel(logLevel);
        if (logLevel == LogLevel.Information)
        {
            // ASP.NET Core logs six Information lines per request: under load that is most of the log and a share of the
            // CPU. The shop's own events stay at Information; --log-level Debug brings the request lines back.
            builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        }

        builder.AddShopServiceDefaults();
        builder.AddShopReadiness();
        builder.WebHost.UseUrls(options.Url);
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBody);
        var database = Database(options);
        builder.Services.AddSingleton(database);
        builder.Services.AddSwitchboard(bus =>
        {
            // Each service declares what it publishes; publishing anything else fails here as it would on a broker whose
            // per-service permissions are computed from those declarations (ShopBrokerAccess).
            // What the services publish are CloudEvents (the framework's default binary mode) whose source names the service.
            var source = options.Services.Count == 1 ? "/shop/" + options.Services[0] : "/shop";
            bus.AddShopMessages().Configure(o => o with { OnlyDeclaredPublications = true, CloudEventsSource = source });
            UseTransportAndStores(bus, options);

            // Every delivery of every endpoint, with the start of its body, for GET /flows/{id} (ShopFlows).
            bus.UseAudit(o => o with { Service = options.Services.Count == 1 ? options.Services[0] : "shop", MaxBodyBytes = 4096 });
            foreach (var service in options.Services)
            {
                ShopServices.Add(service, bus, database, options);
            }

            if (options.Audit)
            {
                bus.AddEventLedger(ledger ?? new EventLedger());
            }
        });

        builder.Services.AddAsyncApi(ShopAsyncApi.Info(options), services => ShopAsyncApi.Buses(services.GetRequiredService<BusConfiguration>(), options.Services));
        builder.Services.AddSingleton<HandledMessages>();
        builder.Services.AddShopHttp(options.EffectiveAuthentication, options.OrderRateLimit);
        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "Shop";
            document.Info.Description = "Shop's HTTP API: a JWT bearer token on every call except health (docs/security.md); every error is application/problem+json.";
            document.Components ??= new Microsoft.OpenApi.OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, Microsoft.OpenApi.IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["bearer"] = new Microsoft.OpenApi.OpenApiSecurityScheme
            {
                Type = Microsoft.OpenApi.SecuritySchemeType.Http,
                Scheme = "bearer",
                BearerFormat = "JWT",
            };
            return Task.CompletedTask;
        }));
        var app = builder.Build();
        app.UseShopHttp();

        // Inside the exception handler: a request that meets an unreachable broker or database is a 503, not a 500.
        app.UseOutageResponses();
        foreach (var service in options.Services)
        {
            ShopServices.Map(service, app);
        }

        app.MapShopHealth(options);
        app.MapShopFlows();
        // Events from outside over HTTP (a partner's system, another language's service): each process takes in the
        // events it publishes itself (OnlyDeclaredPublications), posted by an operator.
        app.MapCloudEvents("/cloudevents").RequireAuthorization(ShopPolicies.Operator);
        app.MapSwitchboardConsole("/switchboard", o =>
        {
            o.AuthorizationPolicy = ShopPolicies.Operator;
            o.Title = "Shop · Switchboard";
            foreach (var (name, log) in OtherServicesAuditLogs(options, app.Services))
            {
                o.AddAuditLog(name, _ => log);
            }
        });
        app.MapShopReadiness();
        // Shop has one document. Mapped at its own address, not /openapi/{documentName}.json: the framework answers an
        // unknown document name there with a text/plain 404, where nothing at all is mapped is a 404 problem.
        app.MapOpenApi("/openapi/v1.json").AllowAnonymous();
        // The whole system's messaging, from any process (ShopAsyncApi); anonymous like the OpenAPI document.
        app.MapAsyncApi("/asyncapi.json").AllowAnonymous();
        return app;
    }

    /// <summary>
    /// In the distributed mode on PostgreSQL, each other service's audit log (its own schema), so this process's console
    /// shows a conversation across all of them; the stores are the container's, which disposes them.
    /// </summary>
    private static IEnumerable<(string Schema, Switchboard.Auditing.IAuditLog Log)> OtherServicesAuditLogs(ShopHostOptions options, IServiceProvider services)
    {
        if (options.Store != ShopStore.Postgres || options.Services.Count != 1)
        {
            return [];
        }

        return ShopServices.Names.Where(n => n != options.Services[0]).Select(n => "shop_" + n)
            .Select(schema => (schema, services.GetRequiredKeyedService<PostgreSqlMessageStore>(schema).AuditLog));
    }

    private static ShopDatabase Database(ShopHostOptions options)
    {
        if (options.Store == ShopStore.Postgres)
        {
            var schema = Schema(options);
            return ShopDatabase.PostgreSql(PostgreSqlApplicationDataSource.Create(Required(options.Postgres, "--postgres"), schema), schema);
        }

        Directory.CreateDirectory(options.DataDirectory);
        return ShopDatabase.Sqlite(SqliteApplicationDataSource.Create(options.SqlitePath));
    }

    private static void UseTransportAndStores(SwitchboardBuilder bus, ShopHostOptions options)
    {
        var sqlite = new SqliteTransportOptions { Path = options.SqlitePath, Durability = options.Durability };
        if (options.Transport == ShopTransport.RabbitMq)
        {
            bus.UseRabbitMq(new Switchboard.RabbitMQ.RabbitMqTransportOptions
            {
                Uri = options.RabbitMq ?? throw new ArgumentException("--transport rabbitmq needs --rabbitmq (or SWITCHBOARD_RABBITMQ_URI)."),
                DeclareTopology = !options.RabbitMqProvisioned,
            });
        }
        else
        {
            Directory.CreateDirectory(options.DataDirectory);
            bus.UseSqlite(sqlite);
        }

        if (options.Store == ShopStore.Postgres)
        {
            // Shop's handlers change no session state (their locks are transaction-scoped), so the connections of their
            // units of work go back to the pool without Npgsql's reset: eight statements per handled message.
            var connection = new Npgsql.NpgsqlConnectionStringBuilder(Required(options.Postgres, "--postgres")) { NoResetOnClose = true }.ToString();
            var schema = Schema(options);
            bus.UsePostgreSqlStore(connection, o => o with { Schema = schema });
            if (options.Services.Count == 1)
            {
                // The other services' stores, read by the console's flow view only: never initialized from here.
                foreach (var other in ShopServices.Names.Where(n => n != options.Services[0]))
                {
                    bus.Services.AddKeyedSingleton("shop_" + other, (_, key) => new PostgreSqlMessageStore(new PostgreSqlStoreOptions { ConnectionString = connection, Schema = (string)key! }));
                }
            }

            if (options.Services.Contains("order"))
            {
                // Only Order is event-sourced; elsewhere the event store's two pools would be opened for its migrations only.
                bus.UsePostgreSqlEventStore(connection, o => o with { Schema = schema });
            }
        }
        else if (options.Transport == ShopTransport.RabbitMq)
        {
            // The SQLite file holds state only; messages leave through its outbox.
            Directory.CreateDirectory(options.DataDirectory);
            bus.UseSqliteStore(sqlite);
            bus.UseSqliteEventStore(sqlite);
        }
        else
        {
            bus.UseSqliteStore();
            bus.UseSqliteEventStore();
        }
    }

    // One service per process owns a schema of its own; several services in one process share "shop".
    private static string Schema(ShopHostOptions options) => options.Services.Count == 1 ? "shop_" + options.Services[0] : "shop";

    private static string Required(string? value, string option) =>
        string.IsNullOrWhiteSpace(value) ? throw new ArgumentException($"{option} is required for this configuration.") : value;
}
