using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Configuration;
using Switchboard.Persistence;
using Switchboard.Pipeline;
using Switchboard.Transport;

namespace Switchboard.Runtime;

/// <summary>Starts the transport, declares every endpoint, then starts them; stops them in parallel.</summary>
internal sealed class BusRuntime(BusConfiguration configuration, TransportHost transportHost, IServiceProvider services, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("Switchboard.Bus");
    private List<ReceiveEndpoint> _running = [];
    private OutboxRelay? _relay;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var transport = await transportHost.GetStartedAsync(cancellationToken).ConfigureAwait(false);
        var store = services.GetService<IMessageStore>();
        if (store is not null)
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        // Declare all before consuming any, so that sends between this process's endpoints are routable at once.
        foreach (var endpoint in configuration.Endpoints)
        {
            await transport.DeclareEndpointAsync(new EndpointDeclaration(endpoint.Queue, endpoint.Topics), cancellationToken).ConfigureAwait(false);
        }

        var started = new List<ReceiveEndpoint>();
        foreach (var endpoint in configuration.Endpoints)
        {
            var pipeline = endpoint.Pipeline.Build(new PipelineServices(services, endpoint));
            var receive = new ReceiveEndpoint(endpoint, pipeline, loggers.CreateLogger("Switchboard.Endpoint." + endpoint.Queue));
            await receive.StartAsync(transport, cancellationToken).ConfigureAwait(false);
            started.Add(receive);
        }

        _running = started;
        if (store is not null)
        {
            _relay = new OutboxRelay(store, services.GetRequiredService<Dispatcher>(), services.GetRequiredService<StoreOptions>(), services.GetRequiredService<TimeProvider>(), loggers.CreateLogger("Switchboard.Outbox"));
            _relay.Start();
        }
        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation("Switchboard started on {Transport} with {Count} endpoint(s): {Endpoints}", transport.Name, started.Count, string.Join(", ", started.Select(e => e.Queue)));
        }
    }

    public async Task StopAsync()
    {
        var running = _running;
        _running = [];
        await Task.WhenAll(running.Select(e => e.StopAsync(configuration.Options.ShutdownTimeout))).ConfigureAwait(false);
        if (_relay is not null)
        {
            await _relay.DisposeAsync().ConfigureAwait(false);
            _relay = null;
        }
        _logger.LogInformation("Switchboard stopped");
    }
}
