using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Benchmarks.Measurement;
using Switchboard.Benchmarks.Scenarios;

namespace Switchboard.Benchmarks.Systems;

/// <summary>A started Switchboard host running one scenario.</summary>
public sealed class SwitchboardDriver(IHost host, IScenario scenario, ITransportSetup transport) : IBenchmarkDriver
{
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(30);
    private readonly IBus _bus = host.Services.GetRequiredService<IBus>();

    /// <inheritdoc />
    public ValueTask StartItemAsync(IItemTracker run, int sequence, CancellationToken cancellationToken) =>
        scenario.StartItemAsync(_bus, run, sequence, cancellationToken);

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<string>> VerifyAsync(RunTracker run, CancellationToken cancellationToken) =>
        scenario.VerifyAsync(host.Services, run, cancellationToken);

    /// <inheritdoc />
    public WriteAheadLog? WriteAheadLog => (transport as IHasWriteAheadLog)?.WriteAheadLog;

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        try
        {
            using var stop = new CancellationTokenSource(StopTimeout);
            await host.StopAsync(stop.Token).ConfigureAwait(false);
        }
        finally
        {
            host.Dispose();
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }
}
