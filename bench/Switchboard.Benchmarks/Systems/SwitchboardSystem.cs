using Microsoft.Extensions.DependencyInjection;
using Switchboard.Benchmarks.Diagnostics;
using Switchboard.Benchmarks.Hosting;
using Switchboard.Benchmarks.Measurement;
using Switchboard.Benchmarks.Scenarios;
using Switchboard.Transport;

namespace Switchboard.Benchmarks.Systems;

/// <summary>A Switchboard bus on one transport: <c>switchboard-&lt;transport&gt;</c>.</summary>
/// <param name="name">The system's command-line name.</param>
/// <param name="transport">The transport's type: whether it keeps per-key order (<see cref="IOrderedTransport"/>).</param>
/// <param name="prepare">Sets up the transport for one run.</param>
public sealed class SwitchboardSystem(string name, Type transport, Func<BenchmarkSettings, CancellationToken, ValueTask<ITransportSetup>> prepare) : IBenchmarkSystem
{
    /// <inheritdoc />
    public string Name => name;

    /// <inheritdoc />
    public string? CannotRun(IScenario scenario, BenchmarkSettings settings) =>
        scenario.RequiresOrder(settings) && !typeof(IOrderedTransport).IsAssignableFrom(transport)
            ? $"{name} cannot run '{scenario.Name}': {transport.Name} does not keep per-key order (it is not an {nameof(IOrderedTransport)}); --ablate {Ablations.Ordering} runs the unordered twin."
            : null;

    /// <inheritdoc />
    public async ValueTask<IBenchmarkDriver> StartAsync(IScenario scenario, BenchmarkSettings settings, CurrentRun run, CancellationToken cancellationToken)
    {
        var transport = await prepare(settings, cancellationToken).ConfigureAwait(false);
        try
        {
            var host = await BenchmarkHost.StartAsync(
                services => services.AddSingleton(run),
                bus =>
                {
                    scenario.Configure(bus, settings);
                    transport.Configure(bus);
                    if (scenario.UsesStore || settings.Audit)
                    {
                        transport.ConfigureStore(bus);
                    }

                    if (settings.Audit)
                    {
                        bus.UseAudit();
                    }

                    Ablations.Apply(bus, settings.Ablations);
                },
                withLogging: !settings.Ablations.Contains(Ablations.Logging),
                cancellationToken).ConfigureAwait(false);
            return new SwitchboardDriver(host, scenario, transport);
        }
        catch
        {
            await transport.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
