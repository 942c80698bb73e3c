using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Shop.AppHost;

/// <summary>Adds one executable resource per Shop process to the AppHost's model.</summary>
public static class ShopResources
{
    /// <summary>
    /// Each process of <paramref name="options"/>' layout runs <c>shop run --services SERVICE</c> on RabbitMQ (as its
    /// service's broker user, on the provisioned topology) and PostgreSQL (pools sized by <see cref="ConnectionBudget"/>),
    /// sends its logs, traces and metrics to the dashboard (OTLP; unless <see cref="AppHostOptions.Telemetry"/> is off), and is healthy when <c>/health/ready</c> answers 200.
    /// Credentials reach the processes as secret parameters in their environment, never on a command line.
    /// </summary>
    public static void AddShop(this IDistributedApplicationBuilder builder, ShopExecutable shop, ShopServers servers, AppHostOptions options, IReadOnlyDictionary<string, Uri> brokerUsers)
    {
        var poolSize = ConnectionBudget.PoolSize(options.Layout, options.PostgresConnections);
        if (ConnectionBudget.Ceiling(options.Layout, options.PostgresConnections) is var ceiling && ceiling > options.PostgresConnections)
        {
            Console.Error.WriteLine($"shop-apphost: {ConnectionBudget.Pools(options.Layout)} PostgreSQL pools of at least {ConnectionBudget.MinPoolSize} connections can hold {ceiling}, more than --postgres-connections {options.PostgresConnections}: raise it and the server's max_connections together.");
        }

        var postgres = builder.AddParameter("postgres", servers.PostgresFor(options.Database, poolSize), secret: true);
        var rabbitMq = ShopLayout.Services.ToDictionary(s => s, s => builder.AddParameter($"rabbitmq-{s}", brokerUsers[s].ToString(), secret: true), StringComparer.Ordinal);
        var workingDirectory = Path.GetFullPath(options.DataDirectory);
        foreach (var process in options.Layout.Processes())
        {
            string[] arguments = [shop.Dll, "run", "--services", process.Service, "--url", process.Url.ToString().TrimEnd('/'),
                "--transport", "rabbitmq", "--rabbitmq-provisioned", "--store", "postgres", "--signing-key-file", options.SigningKeyFile];
            if (process.Service == "payment" && options.GatewayLatency is { } latency)
            {
                arguments = [.. arguments, "--gateway-latency", latency.TotalMilliseconds.ToString(CultureInfo.InvariantCulture) + "ms"];
            }

            if (options.Concurrency.TryGetValue(process.Service, out var concurrency))
            {
                arguments = [.. arguments, "--concurrency", concurrency.ToString(CultureInfo.InvariantCulture)];
            }

            var resource = builder.AddExecutable(process.Name, ShopExecutable.Host, workingDirectory, arguments)
                .WithEnvironment(ShopServers.AmqpVariable, rabbitMq[process.Service])
                .WithEnvironment(ShopServers.PostgresVariable, postgres)
                .WithHttpEndpoint(port: process.Port, targetPort: process.Port, isProxied: false)
                .WithHttpHealthCheck("/health/ready");
            if (options.Telemetry)
            {
                resource.WithOtlpExporter();
            }
        }
    }
}
