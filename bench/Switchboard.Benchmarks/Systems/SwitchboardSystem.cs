using Microsoft.Extensions.DependencyInjection;
using Switchboard.Benchmarks.Diagnostics;
using Switchboard.Benchmarks.Hosting;
using Switchboard.Benchmarks.Measurement;
using Switchboard.Benchmarks.Scenarios;

namespace Switchboard.Benchmarks.Systems;

/// <summary>A Switchboard bus on one transport: <c>switchboard-&lt;transport&gt;</c>.</summary>
/// <param name="name">The system's command-line name.</param>
/// <param name="prepare">Sets up the transport for one run.</param>
public sealed class SwitchboardSystem(string name, Func<BenchmarkSettings, CancellationToken, ValueTask<ITransportSetup>> prepare) : IBenchmarkSystem
{
    /// <inheritdoc />
    public string Name => name;

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
