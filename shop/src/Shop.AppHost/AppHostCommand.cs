using System.CommandLine;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace Shop.AppHost;

/// <summary>The AppHost's command line: instances per service, where Shop lives on the servers, then run until stopped.</summary>
internal static class AppHostCommand
{
    public static RootCommand Create()
    {
        var instances = ShopLayout.Services.ToDictionary(s => s, Instances, StringComparer.Ordinal);
        var port = new Option<int>("--port") { Description = "The first service's API port; service k (order, payment, inventory, shipping, notification, analytics) listens from port + 10 k, one port per instance", DefaultValueFactory = _ => 5080 };
        var vhost = new Option<string>("--vhost") { Description = "The RabbitMQ vhost (created when missing)", DefaultValueFactory = _ => "shop" };
        var database = new Option<string>("--database") { Description = "The PostgreSQL database (created when missing)", DefaultValueFactory = _ => "shop" };
        var prefix = new Option<string>("--broker-user-prefix") { Description = "The services' broker users are this followed by the service's name", DefaultValueFactory = _ => "shop-" };
        var connections = new Option<int>("--postgres-connections") { Description = "The PostgreSQL connections the whole Shop may open; each process's pools are sized from it", DefaultValueFactory = _ => ConnectionBudget.DefaultBudget };
        var gatewayLatency = new Option<string?>("--gateway-latency") { Description = "How long each call to the simulated payment gateway takes, e.g. 50ms (passed to the Payment processes; default 0)" };
        var noTelemetry = new Option<bool>("--no-telemetry") { Description = "The processes export no logs, traces or metrics to the dashboard (their console output still reaches it): for throughput measurements, since the dashboard's ingestion of every span costs about a third of a core at 150 orders/s" };
        var data = new Option<string>("--data") { Description = "Directory for the services' broker credentials and the shared development signing key", DefaultValueFactory = _ => Path.Combine("data", "distributed") };
        port.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1024 or > 65535 - 60)
            {
                r.AddError("--port must be between 1024 and 65475.");
            }
        });
        gatewayLatency.Validators.Add(r =>
        {
            // The Payment processes parse it (shop run --gateway-latency); a value they would refuse is refused here first.
            if (r.GetValueOrDefault<string?>() is { } text && !LatencyText.IsValid(text))
            {
                r.AddError($"--gateway-latency takes a duration from 0 to 1 minute such as 50ms, 2s or 00:00:00.050, not '{text}'.");
            }
        });
        connections.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() < 10)
            {
                r.AddError("--postgres-connections must be at least 10.");
            }
        });

        var root = new RootCommand("Shop's distributed mode: every service as processes of its own on RabbitMQ and PostgreSQL, with the Aspire dashboard. "
            + "The servers come from SWITCHBOARD_RABBITMQ_MANAGEMENT, SWITCHBOARD_RABBITMQ_URI and SWITCHBOARD_POSTGRES_CONNECTION.")
        {
            port, vhost, database, prefix, connections, gatewayLatency, noTelemetry, data,
        };
        foreach (var option in instances.Values)
        {
            root.Options.Add(option);
        }

        root.SetAction(async (result, cancellationToken) =>
        {
            AppHostOptions options;
            ShopServers servers;
            try
            {
                options = new AppHostOptions
                {
                    Layout = new ShopLayout(instances.ToDictionary(i => i.Key, i => result.GetValue(i.Value), StringComparer.Ordinal), result.GetValue(port)),
                    Vhost = result.GetRequiredValue(vhost),
                    Database = result.GetRequiredValue(database),
                    BrokerUserPrefix = result.GetRequiredValue(prefix),
                    PostgresConnections = result.GetValue(connections),
                    GatewayLatency = result.GetValue(gatewayLatency),
                    Telemetry = !result.GetValue(noTelemetry),
                    DataDirectory = result.GetRequiredValue(data),
                };
                servers = ShopServers.FromEnvironment();
            }
            catch (ArgumentException exception)
            {
                Console.Error.WriteLine("shop-apphost: " + exception.Message);
                return 2;
            }

            var shop = ShopExecutable.Find();
            var brokerUsers = await Provisioning.RunAsync(shop, servers, options, cancellationToken);

            // The orchestrator passes this process's environment on to the services: the administrator's credentials
            // must not reach them (each gets its own below).
            foreach (var name in new[] { ShopServers.ManagementVariable, ShopServers.AmqpVariable, ShopServers.PostgresVariable })
            {
                Environment.SetEnvironmentVariable(name, null);
            }

            Dashboard.DefaultToLoopback();
            var builder = DistributedApplication.CreateBuilder([]);
            builder.AddShop(shop, servers, options, brokerUsers);
            await using var app = builder.Build();
            var processes = new ServiceProcesses(app.Services.GetRequiredService<ResourceNotificationService>());
            using var stopWatching = new CancellationTokenSource();
            var watching = processes.WatchAsync(stopWatching.Token);
            await app.RunAsync(cancellationToken);

            var running = await processes.WaitForExitAsync(TimeSpan.FromSeconds(60));
            await stopWatching.CancelAsync();
            await watching;
            if (running.Count > 0)
            {
                Console.Error.WriteLine("shop-apphost: killed, still running a minute after the stop: " + string.Join(", ", running));
                return 1;
            }

            return 0;
        });
        return root;
    }

    private static Option<int> Instances(string service)
    {
        var option = new Option<int>("--" + service) { Description = $"Processes of the {service} service (1 to {ShopLayout.MaxInstances})", DefaultValueFactory = _ => 1 };
        option.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int>() is < 1 or > ShopLayout.MaxInstances)
            {
                r.AddError($"--{service} takes 1 to {ShopLayout.MaxInstances} instances.");
            }
        });
        return option;
    }
}
