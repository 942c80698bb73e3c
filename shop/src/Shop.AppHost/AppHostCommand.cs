using System.CommandLine;
using System.CommandLine.Parsing;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.Cli;

namespace Shop.AppHost;

/// <summary>The AppHost's command line: instances per service, where Shop lives on the servers, then run until stopped.</summary>
internal static class AppHostCommand
{
    public static RootCommand Create()
    {
        var instances = ShopLayout.Services.ToDictionary(s => s, Instances, StringComparer.Ordinal);
        var port = new Option<int>("--port") { Description = "The first service's API port; service k (order, payment, inventory, shipping, notification, analytics) listens from port + 10 k, one port per instance", DefaultValueFactory = _ => 5080, CustomParser = CliOptions.Whole(1024, 65535 - 60, "a port from 1024 to 65475") };
        var vhost = new Option<string>("--vhost") { Description = "The RabbitMQ vhost (created when missing)", DefaultValueFactory = _ => "shop" };
        var database = new Option<string>("--database") { Description = "The PostgreSQL database (created when missing)", DefaultValueFactory = _ => "shop" };
        var prefix = new Option<string>("--broker-user-prefix") { Description = "The services' broker users are this followed by the service's name", DefaultValueFactory = _ => "shop-" };
        var connections = new Option<int>("--postgres-connections") { Description = "The PostgreSQL connections the whole Shop may open; each process's pools are sized from it", DefaultValueFactory = _ => ConnectionBudget.DefaultBudget, CustomParser = CliOptions.Whole(10, 100_000, "a whole number of at least 10") };
        var gatewayLatency = new Option<TimeSpan?>("--gateway-latency") { Description = "How long each call to the simulated payment gateway takes, e.g. 50ms (passed to the Payment processes; default 0)", CustomParser = r => CliOptions.Duration(r) };
        var concurrency = new Option<Dictionary<string, int>>("--concurrency")
        {
            Description = $"Messages each process of a service handles at once, as SERVICE=N (N from 1 to {CliOptions.MaxConcurrency}; repeat the option for several services; default: each service's own)",
            AllowMultipleArgumentsPerToken = false,
            CustomParser = Concurrency,
        };
        var noTelemetry = new Option<bool>("--no-telemetry") { Description = "The processes export no logs, traces or metrics to the dashboard (their console output still reaches it): for throughput measurements, since the dashboard's ingestion of every span costs about a third of a core at 150 orders/s" };
        var data = new Option<string>("--data") { Description = "Directory for the services' broker credentials and the shared development signing key", DefaultValueFactory = _ => Path.Combine("data", "distributed") };
        var root = new RootCommand("Shop's distributed mode: every service as processes of its own on RabbitMQ and PostgreSQL, with the Aspire dashboard. "
            + "The servers come from SWITCHBOARD_RABBITMQ_MANAGEMENT, SWITCHBOARD_RABBITMQ_URI and SWITCHBOARD_POSTGRES_CONNECTION.")
        {
            port, vhost, database, prefix, connections, gatewayLatency, concurrency, noTelemetry, data,
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
                    Concurrency = result.GetValue(concurrency) ?? new Dictionary<string, int>(StringComparer.Ordinal),
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
            var notifications = app.Services.GetRequiredService<ResourceNotificationService>();
            var processes = new ServiceProcesses(notifications);
            using var stopWatching = new CancellationTokenSource();
            var watching = processes.WatchAsync(stopWatching.Token);
            var exits = new ServiceExits(notifications, app.Services.GetRequiredService<ResourceLoggerService>(), Console.Error);
            var stopping = app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
            var reporting = exits.WatchAsync([.. options.Layout.Processes().Select(p => p.Name)], stopping);
            await app.RunAsync(cancellationToken);
            await reporting;

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

    private static Option<int> Instances(string service) =>
        new("--" + service)
        {
            Description = $"Processes of the {service} service (1 to {ShopLayout.MaxInstances})",
            DefaultValueFactory = _ => 1,
            CustomParser = CliOptions.Whole(1, ShopLayout.MaxInstances, $"1 to {ShopLayout.MaxInstances} instances"),
        };

    // SERVICE=N, each service once; checked here so that the processes never refuse what the AppHost passes on.
    private static Dictionary<string, int> Concurrency(ArgumentResult result)
    {
        var concurrency = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var value in result.Tokens.Select(t => t.Value))
        {
            var parts = value.Split('=');
            if (parts.Length != 2 || !ShopLayout.Services.Contains(parts[0], StringComparer.Ordinal)
                || !int.TryParse(parts[1], System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var n) || n is < 1 or > CliOptions.MaxConcurrency)
            {
                result.AddError($"--concurrency takes SERVICE=N, SERVICE one of {string.Join(", ", ShopLayout.Services)} and N from 1 to {CliOptions.MaxConcurrency}, not '{value}'.");
                return concurrency;
            }

            if (!concurrency.TryAdd(parts[0], n))
            {
                result.AddError($"--concurrency names {parts[0]} more than once.");
                return concurrency;
            }
        }

        return concurrency;
    }
}
