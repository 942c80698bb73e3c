using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop;

// shop run | shop demo | shop load | shop broker-users: see README.md and docs/shop.md.
var services = new Option<string>("--services") { Description = "Comma-separated services to run (default: all): " + string.Join(", ", ShopServices.Names) };
var transport = new Option<string>("--transport") { Description = "sqlite (embedded default) or rabbitmq", DefaultValueFactory = _ => "sqlite" };
var store = new Option<string>("--store") { Description = "sqlite (embedded default) or postgres", DefaultValueFactory = _ => "sqlite" };
var data = new Option<string>("--data") { Description = "Directory of the embedded SQLite file", DefaultValueFactory = _ => "data" };
var url = new Option<string>("--url") { Description = "HTTP address of the APIs (loopback)", DefaultValueFactory = _ => "http://127.0.0.1:5080" };
var rabbitMq = new Option<string?>("--rabbitmq") { Description = "RabbitMQ URI (default: $SWITCHBOARD_RABBITMQ_URI)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SWITCHBOARD_RABBITMQ_URI") };
var rabbitMqProvisioned = new Option<bool>("--rabbitmq-provisioned") { Description = "The broker's topology was provisioned by an administrator (shop broker-users): declare nothing, only check it exists (for a least-privilege user)" };
var postgres = new Option<string?>("--postgres") { Description = "Npgsql connection string (default: $SWITCHBOARD_POSTGRES_CONNECTION)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SWITCHBOARD_POSTGRES_CONNECTION") };
var logLevel = new Option<Microsoft.Extensions.Logging.LogLevel>("--log-level") { Description = "Least level logged: Trace, Debug, Information, Warning, Error, Critical, None", DefaultValueFactory = _ => Microsoft.Extensions.Logging.LogLevel.Information };
var stopOnEof = new Option<bool>("--stop-on-stdin-eof") { Description = "Stop gracefully when standard input ends (for a parent process that owns this one; SIGTERM and Ctrl+C always stop it)" };
var smtp = new Option<string?>("--smtp") { Description = "SMTP server (host:port) through which Notification also emails each notification (default: $SHOP_SMTP; none: the mailbox only)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SHOP_SMTP") };
var smtpFrom = new Option<string?>("--smtp-from") { Description = "The notifications' sender address (default: $SHOP_SMTP_FROM)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SHOP_SMTP_FROM") };
var smtpTls = new Option<string?>("--smtp-tls") { Description = "none, starttls or sslonconnect (default: $SHOP_SMTP_TLS, else starttls); a user and password come from $SHOP_SMTP_USERNAME and $SHOP_SMTP_PASSWORD", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SHOP_SMTP_TLS") };
var durability = new Option<Switchboard.Sqlite.SqliteDurability>("--durability") { Description = "What an embedded commit survives: Full (power loss; the default) or Normal (process crash)", DefaultValueFactory = _ => Switchboard.Sqlite.SqliteDurability.Full };
var stuckOrderTimeout = new Option<TimeSpan?>("--stuck-order-timeout") { Description = "How long an order may stay unfinished before Order cancels and compensates it (hh:mm:ss; default 00:02:00)" };
var orders = new Option<int>("--orders") { Description = "Orders the demo places", DefaultValueFactory = _ => 1000 };

var run = new Command("run", "Runs the chosen services and their APIs until stopped (Ctrl+C).") { services, transport, store, data, durability, url, rabbitMq, rabbitMqProvisioned, postgres, smtp, smtpFrom, smtpTls, stuckOrderTimeout, logLevel, stopOnEof };
run.SetAction(async (result, cancellationToken) =>
{
    var options = new ShopHostOptions
    {
        Services = result.GetValue(services) is { Length: > 0 } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : ShopServices.Names,
        Transport = result.GetRequiredValue(transport),
        Store = result.GetRequiredValue(store),
        DataDirectory = result.GetRequiredValue(data),
        Durability = result.GetValue(durability),
        Url = result.GetRequiredValue(url),
        RabbitMq = result.GetValue(rabbitMq) is { Length: > 0 } uri ? new Uri(uri) : null,
        RabbitMqProvisioned = result.GetValue(rabbitMqProvisioned),
        Postgres = result.GetValue(postgres),
        StuckOrderTimeout = result.GetValue(stuckOrderTimeout),

        // The password only from the environment: a command line is visible to every user of the machine.
        Smtp = SmtpArguments.Parse(result.GetValue(smtp), result.GetValue(smtpFrom), result.GetValue(smtpTls), Environment.GetEnvironmentVariable("SHOP_SMTP_USERNAME"), Environment.GetEnvironmentVariable("SHOP_SMTP_PASSWORD")),
    };
    await using var app = ShopHost.Build(options, logLevel: result.GetValue(logLevel));
    await app.StartAsync(cancellationToken);
    if (result.GetValue(stopOnEof))
    {
        var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
        _ = Task.Run(
            async () =>
            {
                // Read until the parent closes our standard input (or exits), then stop like on SIGTERM.
                var buffer = new char[256];
                while (await Console.In.ReadAsync(buffer, lifetime.ApplicationStopping) > 0)
                {
                }

                lifetime.StopApplication();
            },
            CancellationToken.None);
    }

    await app.WaitForShutdownAsync(cancellationToken);
    return 0;
});

var demo = new Command("demo", "Places orders through the real HTTP API on the embedded default, waits until every order is terminal, prints a summary and checks the invariants.") { orders, data };
demo.SetAction((result, cancellationToken) => Demo.RunAsync(result.GetValue(orders), result.GetRequiredValue(data), cancellationToken));

var loadOrders = new Option<int>("--orders") { Description = "Orders to place", DefaultValueFactory = _ => 10_000 };
var rate = new Option<double>("--rate") { Description = "Orders per second, sent on schedule whatever the shop does (open loop)", DefaultValueFactory = _ => 500 };
var patience = new Option<int>("--patience") { Description = "Seconds to wait, after the last order is sent, for every order to be terminal", DefaultValueFactory = _ => 120 };
var load = new Command("load", "Places orders at a fixed rate against a running shop (shop run) and prints one JSON line: achieved orders/s and order-to-terminal p50/p99.") { loadOrders, rate, url, patience };
load.SetAction(async (result, cancellationToken) =>
{
    var orderCount = result.GetValue(loadOrders);
    var perSecond = result.GetValue(rate);
    if (orderCount <= 0 || perSecond <= 0)
    {
        Console.Error.WriteLine("--orders and --rate must be positive.");
        return 2;
    }

    var outcome = await new LoadRun(new Uri(result.GetRequiredValue(url)), orderCount, perSecond, TimeSpan.FromSeconds(result.GetValue(patience)), Console.Error)
        .RunAsync(cancellationToken);
    Console.Out.WriteLine(outcome.ToJsonLine());
    return outcome.Correct ? 0 : 1;
});

var amqp = new Option<string>("--amqp") { Description = "The AMQP address the services connect to, with the vhost as its path (e.g. amqp://rabbit:5672/shop); credentials in it are ignored", Required = true };
var usersDirectory = new Option<string>("--out") { Description = "Directory for the services' AMQP URIs, one owner-only file each ({service}.env)", DefaultValueFactory = _ => "broker-users" };
var userPrefix = new Option<string>("--user-prefix") { Description = "User names are this followed by the service's name", DefaultValueFactory = _ => "shop-" };
var brokerUsers = new Command("broker-users", "As a RabbitMQ administrator (management API URI with credentials in $SWITCHBOARD_RABBITMQ_MANAGEMENT), declares Shop's topology and creates or updates one least-privilege user per service with a new random password; writes each service's AMQP URI to an owner-only file.") { services, amqp, usersDirectory, userPrefix };
brokerUsers.SetAction(async (result, cancellationToken) =>
{
    // The administrator's password only from the environment: a command line is visible to every user of the machine.
    if (Environment.GetEnvironmentVariable("SWITCHBOARD_RABBITMQ_MANAGEMENT") is not { Length: > 0 } management)
    {
        Console.Error.WriteLine("Set SWITCHBOARD_RABBITMQ_MANAGEMENT to the management API's URI with an administrator's credentials (http://admin:secret@rabbit:15672/).");
        return 2;
    }

    var chosen = result.GetValue(services) is { Length: > 0 } list ? list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) : ShopServices.Names;
    return await new BrokerUsers(new Uri(management), new Uri(result.GetRequiredValue(amqp)), result.GetRequiredValue(usersDirectory), result.GetRequiredValue(userPrefix), chosen, Console.Out)
        .RunAsync(cancellationToken);
});

var root = new RootCommand("Shop: the e-commerce reference system on Switchboard.") { run, demo, load, brokerUsers };
return await root.Parse(args).InvokeAsync();
