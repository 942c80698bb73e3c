using System.CommandLine;
using System.CommandLine.Parsing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Http;
using Switchboard.Sqlite;

namespace Shop.Cli;

/// <summary><c>shop run</c>: the chosen services and their APIs until stopped.</summary>
internal static class RunCommand
{
    public static Command Create()
    {
        var services = new Option<string[]>("--services") { Description = "Comma-separated services to run (default: all): " + string.Join(", ", ShopServices.Names), DefaultValueFactory = _ => [.. ShopServices.Names], CustomParser = Services };
        var transport = new Option<ShopTransport>("--transport") { Description = "sqlite (embedded default) or rabbitmq", CustomParser = r => CliOptions.Choice(r, ShopChoices.Transports) };
        var store = new Option<ShopStore>("--store") { Description = "sqlite (embedded default) or postgres", CustomParser = r => CliOptions.Choice(r, ShopChoices.Stores) };
        var data = CliOptions.Data();
        var durability = new Option<SqliteDurability>("--durability") { Description = "What an embedded commit survives: Full (power loss; the default) or Normal (process crash)", DefaultValueFactory = _ => SqliteDurability.Full };
        var url = new Option<Uri>("--url") { Description = "HTTP address of the APIs: a loopback address (127.0.0.0/8, [::1], localhost) unless --allow-non-loopback", DefaultValueFactory = _ => new Uri("http://127.0.0.1:5080"), CustomParser = CliOptions.HttpUrl };
        var allowNonLoopback = new Option<bool>("--allow-non-loopback") { Description = "Let --url listen on an address other machines reach (then put TLS in front: every request carries a bearer token)" };
        var rabbitMq = new Option<string?>("--rabbitmq") { Description = "RabbitMQ URI (default: $SWITCHBOARD_RABBITMQ_URI)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SWITCHBOARD_RABBITMQ_URI") };
        var rabbitMqProvisioned = new Option<bool>("--rabbitmq-provisioned") { Description = "The broker's topology was provisioned by an administrator (shop broker-users): declare nothing, only check it exists (for a least-privilege user)" };
        var postgres = new Option<string?>("--postgres") { Description = "Npgsql connection string (default: $SWITCHBOARD_POSTGRES_CONNECTION)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SWITCHBOARD_POSTGRES_CONNECTION") };
        var signingKeyFile = CliOptions.SigningKeyFile();
        var authority = new Option<Uri?>("--jwt-authority") { Description = "An identity provider's issuer URL (https; http only on loopback): accept its tokens, found through its OpenID Connect metadata, instead of development tokens", CustomParser = Authority };
        var audience = new Option<string>("--jwt-audience") { Description = "The audience the identity provider's tokens must name (default: shop)", DefaultValueFactory = _ => ShopClaims.Audience };
        var roleClaim = new Option<string>("--jwt-role-claim") { Description = "The identity provider's claim that carries roles; operators have the role operator (default: role)", DefaultValueFactory = _ => ShopClaims.Role };
        var burst = new Option<int>("--customer-order-burst") { Description = "Orders one customer may place at once (POST /orders rate limit; default 100)", DefaultValueFactory = _ => new OrderRateLimitOptions().Burst, CustomParser = CliOptions.AtLeastOne };
        var rate = new Option<int>("--customer-order-rate") { Description = "Orders per second one customer may place after the burst (default 50)", DefaultValueFactory = _ => new OrderRateLimitOptions().PerPeriod, CustomParser = CliOptions.AtLeastOne };
        var smtp = new Option<string?>("--smtp") { Description = "SMTP server (host:port) through which Notification also emails each notification (default: $SHOP_SMTP; none: the mailbox only)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SHOP_SMTP") };
        var smtpFrom = new Option<string?>("--smtp-from") { Description = "The notifications' sender address (default: $SHOP_SMTP_FROM)", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SHOP_SMTP_FROM") };
        var smtpTls = new Option<string?>("--smtp-tls") { Description = "none, starttls or sslonconnect (default: $SHOP_SMTP_TLS, else starttls); a user and password come from $SHOP_SMTP_USERNAME and $SHOP_SMTP_PASSWORD", DefaultValueFactory = _ => Environment.GetEnvironmentVariable("SHOP_SMTP_TLS") };
        var stuckOrderTimeout = new Option<TimeSpan?>("--stuck-order-timeout") { Description = "How long an order may stay unfinished before Order cancels and compensates it (hh:mm:ss; default 00:02:00)", CustomParser = StuckOrderTimeout };
        var gatewayLatency = new Option<TimeSpan>("--gateway-latency") { Description = "How long each call to the simulated payment gateway takes, e.g. 50ms (default 0)", CustomParser = CliOptions.Duration };
        var concurrency = new Option<int?>("--concurrency") { Description = $"Messages each service endpoint of this process handles at once, 1 to {CliOptions.MaxConcurrency} (default: the service's own, 32 for order and payment, 4 for the others)", CustomParser = r => Concurrency(r) };
        var logLevel = new Option<LogLevel>("--log-level") { Description = "Least level logged: Trace, Debug, Information, Warning, Error, Critical, None", DefaultValueFactory = _ => LogLevel.Information };
        var stopOnEof = new Option<bool>("--stop-on-stdin-eof") { Description = "Stop gracefully when standard input ends (for a parent process that owns this one; SIGTERM and Ctrl+C always stop it)" };

        var run = new Command("run", "Runs the chosen services and their APIs until stopped (Ctrl+C).")
        {
            services, transport, store, data, durability, url, allowNonLoopback, rabbitMq, rabbitMqProvisioned, postgres, signingKeyFile, authority, audience,
            roleClaim, burst, rate, smtp, smtpFrom, smtpTls, stuckOrderTimeout, gatewayLatency, concurrency, logLevel, stopOnEof,
        };
        run.SetAction(async (result, cancellationToken) =>
        {
            var address = result.GetRequiredValue(url);
            if (!address.IsLoopback && !result.GetValue(allowNonLoopback))
            {
                return Usage.Refuse($"--url {address.Scheme}://{address.Authority} is not a loopback address (127.0.0.0/8, [::1], localhost); to listen on other interfaces, say so with --allow-non-loopback.");
            }

            // Before anything touches the disk or the network.
            if (result.GetValue(transport) == ShopTransport.RabbitMq && string.IsNullOrWhiteSpace(result.GetValue(rabbitMq)))
            {
                return Usage.Refuse("--transport rabbitmq needs --rabbitmq (or SWITCHBOARD_RABBITMQ_URI).");
            }

            if (result.GetValue(store) == ShopStore.Postgres && string.IsNullOrWhiteSpace(result.GetValue(postgres)))
            {
                return Usage.Refuse("--store postgres needs --postgres (or SWITCHBOARD_POSTGRES_CONNECTION).");
            }

            if (result.GetValue(authority) is not null && result.GetValue(signingKeyFile) is not null)
            {
                return Usage.Refuse("--jwt-authority and --signing-key-file exclude each other: tokens come from the identity provider or from the development key, never both.");
            }

            WebApplication app;
            try
            {
                var options = new ShopHostOptions
                {
                    Services = result.GetRequiredValue(services),
                    Transport = result.GetValue(transport),
                    Store = result.GetValue(store),
                    DataDirectory = result.GetRequiredValue(data),
                    Durability = result.GetValue(durability),
                    Url = $"{address.Scheme}://{address.Authority}",
                    RabbitMq = result.GetValue(rabbitMq) is { Length: > 0 } uri ? new Uri(uri) : null,
                    RabbitMqProvisioned = result.GetValue(rabbitMqProvisioned),
                    Postgres = result.GetValue(postgres),
                    StuckOrderTimeout = result.GetValue(stuckOrderTimeout),
                    GatewayLatency = result.GetValue(gatewayLatency),
                    Concurrency = result.GetValue(concurrency),
                    Authentication = new ShopAuthenticationOptions
                    {
                        SigningKeyFile = result.GetValue(signingKeyFile),
                        Authority = result.GetValue(authority),
                        Audience = result.GetRequiredValue(audience),
                        RoleClaim = result.GetRequiredValue(roleClaim),
                    },
                    OrderRateLimit = new OrderRateLimitOptions { Burst = result.GetValue(burst), PerPeriod = result.GetValue(rate), Period = TimeSpan.FromSeconds(1) },

                    // The password only from the environment: a command line is visible to every user of the machine.
                    Smtp = SmtpArguments.Parse(result.GetValue(smtp), result.GetValue(smtpFrom), result.GetValue(smtpTls), Environment.GetEnvironmentVariable("SHOP_SMTP_USERNAME"), Environment.GetEnvironmentVariable("SHOP_SMTP_PASSWORD")),
                };
                app = ShopHost.Build(options, logLevel: result.GetValue(logLevel));
            }
            catch (Exception exception) when (exception is ArgumentException or UriFormatException)
            {
                return Usage.Refuse(exception.Message);
            }

            await using (app)
            {
                await app.StartAsync(cancellationToken);
                if (result.GetValue(stopOnEof))
                {
                    StopOnStandardInputEnd(app.Services.GetRequiredService<IHostApplicationLifetime>());
                }

                await app.WaitForShutdownAsync(cancellationToken);
            }

            return 0;
        });
        return run;
    }

    // Reads until the parent closes our standard input (or exits), then stops like on SIGTERM.
    private static void StopOnStandardInputEnd(IHostApplicationLifetime lifetime) =>
        _ = Task.Run(
            async () =>
            {
                var buffer = new char[256];
                while (await Console.In.ReadAsync(buffer, lifetime.ApplicationStopping) > 0)
                {
                }

                lifetime.StopApplication();
            },
            CancellationToken.None);

    private static readonly Func<ArgumentResult, int> Concurrency = CliOptions.Whole(1, CliOptions.MaxConcurrency, $"1 to {CliOptions.MaxConcurrency}");

    private static TimeSpan? StuckOrderTimeout(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (TimeSpan.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var timeout) && timeout > TimeSpan.Zero)
        {
            return timeout;
        }

        result.AddError($"--stuck-order-timeout takes a positive duration (hh:mm:ss), not '{text}'.");
        return null;
    }

    private static Uri? Authority(ArgumentResult result)
    {
        var text = result.Tokens.Single().Value;
        if (Uri.TryCreate(text, UriKind.Absolute, out var url) && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback)))
        {
            return url;
        }

        result.AddError($"--jwt-authority takes an https URL (http only on loopback), not '{text}'.");
        return null;
    }

    internal static string[] Services(ArgumentResult result)
    {
        var names = result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).ToArray();
        var unknown = names.Where(n => !ShopServices.Names.Contains(n, StringComparer.Ordinal)).ToList();
        if (names.Length == 0 || unknown.Count > 0)
        {
            result.AddError($"--services takes names from {string.Join(", ", ShopServices.Names)}; unknown: {(unknown.Count == 0 ? "(none given)" : string.Join(", ", unknown))}.");
        }

        return names;
    }
}
