using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Switchboard.Transport;

namespace Switchboard.Conformance.Harness;

/// <summary>A started bus in its own host, as one process of a test would run it.</summary>
public sealed class RunningBus(IHost host, string name) : IAsyncDisposable
{
    private bool _stopped;

    /// <summary>The instance name (see <see cref="ConsumerName"/>).</summary>
    public string Name { get; } = name;

    /// <summary>The bus.</summary>
    public IBus Bus => host.Services.GetRequiredService<IBus>();

    /// <summary>The dead-letter API of the bus's transport.</summary>
    public IDeadLetterQueue DeadLetters => host.Services.GetRequiredService<IDeadLetterQueue>();

    /// <summary>The host's services.</summary>
    public IServiceProvider Services => host.Services;

    /// <summary>Stops the host: endpoints drain in-flight messages within the bus's shutdown timeout.</summary>
    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        host.Dispose();
    }
}
