using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Auditing;
using Switchboard.Configuration;
using Switchboard.Persistence;
using Switchboard.Sending;
using Switchboard.Transport;

namespace Switchboard.Runtime;

/// <summary>
/// Connects the transport, initializes the store, runs the application's <see cref="BeforeConsumingWork"/>, declares
/// every endpoint, then starts them; stops them in parallel. When the broker or the database cannot be reached, the
/// host starts without the bus and the bus keeps trying in the background (<see cref="StartupLoop"/>), each attempt
/// going on from the step the last one reached.
/// </summary>
internal sealed class BusRuntime
{
    private readonly BusConfiguration _configuration;
    private readonly TransportHost _transportHost;
    private readonly IServiceProvider _services;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly StartupLoop _startup;
    private List<ReceiveEndpoint> _running = [];
    private OutboxRelay? _relay;
    private AuditWriter? _audit;
    private bool _storeReady;
    private int _worksDone;
    private bool _declared;

    public BusRuntime(BusConfiguration configuration, TransportHost transportHost, IServiceProvider services, ILoggerFactory loggers)
    {
        _configuration = configuration;
        _transportHost = transportHost;
        _services = services;
        _loggers = loggers;
        _logger = loggers.CreateLogger("Switchboard.Bus");
        _startup = new StartupLoop("The bus", StartOnceAsync, configuration.Options, services.GetRequiredService<TimeProvider>(), _logger);
    }

    /// <summary>How far the start is: its status, and a task that completes when the endpoints consume.</summary>
    public StartupLoop Startup => _startup;

    /// <summary>The endpoints consuming now.</summary>
    public int RunningEndpoints => Volatile.Read(ref _running).Count;

    /// <summary>The queues of the endpoints consuming now.</summary>
    public IReadOnlyCollection<string> RunningQueues => [.. Volatile.Read(ref _running).Select(e => e.Queue)];

    public Task StartAsync(CancellationToken cancellationToken) => _startup.StartAsync(Task.CompletedTask, "waiting", cancellationToken);

    /// <summary>
    /// Stops the endpoints (each waits for its handlers up to <see cref="BusOptions.ShutdownTimeout"/>, see
    /// <see cref="ReceiveEndpoint.StopAsync"/>), then the relay. <paramref name="cancellationToken"/> is the host's
    /// patience: once it is cancelled, no endpoint waits any longer.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        // Each step whatever the one before it did: endpoints that run must stop, the relay must end.
        try
        {
            await _startup.StopAsync().ConfigureAwait(false);
        }
        finally
        {
            // Taken at once: a host may stop twice at the same time (Host.WaitForShutdownAsync stops the host itself
            // when the application stops, while the code that asked it to stop stops it too), and an endpoint is
            // stopped by one of them only.
            var running = Interlocked.Exchange(ref _running, []);
            try
            {
                await Task.WhenAll(running.Select(e => e.StopAsync(_configuration.Options.ShutdownTimeout, cancellationToken))).ConfigureAwait(false);
            }
            finally
            {
                // What the endpoints dispatched leaves the outbox before the relay ends (else a restart sends it again).
                await _services.GetRequiredService<Outbound>().DrainAsync(cancellationToken).ConfigureAwait(false);
                if (Interlocked.Exchange(ref _relay, null) is { } relay)
                {
                    await relay.DisposeAsync().ConfigureAwait(false);
                }

                // The endpoints have stopped, so the audit records of everything they settled are buffered: write them.
                if (Interlocked.Exchange(ref _audit, null) is { } audit)
                {
                    await audit.StopAsync(cancellationToken).ConfigureAwait(false);
                }
            }
        }

        _logger.LogInformation("Switchboard stopped");
    }

    private async Task StartOnceAsync(CancellationToken cancellationToken)
    {
        var transport = await _transportHost.ConnectAsync(cancellationToken).ConfigureAwait(false);
        var store = _services.GetService<IMessageStore>();
        if (store is not null && !_storeReady)
        {
            await store.InitializeAsync(cancellationToken).ConfigureAwait(false);
            _storeReady = true;
        }

        if (_audit is null && _services.GetService<AuditWriter>() is { } audit)
        {
            audit.Start();
            _audit = audit;
        }

        var works = _services.GetServices<BeforeConsumingWork>().ToList();
        for (; _worksDone < works.Count; _worksDone++)
        {
            await works[_worksDone].Run(_services, cancellationToken).ConfigureAwait(false);
        }

        // Declare all before consuming any, so that sends between this process's endpoints are routable at once.
        if (!_declared)
        {
            foreach (var endpoint in _configuration.Endpoints)
            {
                if (endpoint.Ordered && transport is not IOrderedTransport)
                {
                    throw new NotSupportedException(
                        $"Endpoint '{endpoint.Queue}' is ordered, and the {transport.Name} transport does not keep per-key order yet (docs/ordering.md says which do).");
                }

                await transport.DeclareEndpointAsync(new EndpointDeclaration(endpoint.Queue, endpoint.Topics) { Ordered = endpoint.Ordered }, cancellationToken).ConfigureAwait(false);
            }

            _declared = true;
        }

        var started = new List<ReceiveEndpoint>();
        try
        {
            foreach (var endpoint in _configuration.Endpoints)
            {
                var pipeline = _services.GetRequiredService<EndpointMonitor>().For(endpoint.Queue).Around(EndpointPipeline.Build(endpoint, _services));
                var receive = new ReceiveEndpoint(endpoint, pipeline, _loggers.CreateLogger("Switchboard.Endpoint." + endpoint.Queue));
                await receive.StartAsync(transport, cancellationToken).ConfigureAwait(false);
                started.Add(receive);
            }
        }
        catch
        {
            // The next attempt starts them all again.
            await Task.WhenAll(started.Select(e => e.StopAsync(_configuration.Options.ShutdownTimeout, CancellationToken.None))).ConfigureAwait(false);
            throw;
        }

        Volatile.Write(ref _running, started);
        _services.GetRequiredService<Outbound>().Resume();
        if (store is not null)
        {
            _relay = new OutboxRelay(store, _services.GetRequiredService<Outbound>(), _services.GetRequiredService<StoreOptions>(), _services.GetRequiredService<TimeProvider>(), _loggers.CreateLogger("Switchboard.Outbox"));
            _relay.Start();
        }

        if (_logger.IsEnabled(LogLevel.Information))
        {
            _logger.LogInformation("Switchboard started on {Transport} with {Count} endpoint(s): {Endpoints}", transport.Name, started.Count, string.Join(", ", started.Select(e => e.Queue)));
        }
    }
}
