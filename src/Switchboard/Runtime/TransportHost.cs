using Switchboard.Configuration;
using Switchboard.Transport;

namespace Switchboard.Runtime;

/// <summary>Owns the transport instance and starts it once, on first use.</summary>
internal sealed class TransportHost(BusConfiguration configuration, IServiceProvider services) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private ITransport? _transport;
    private Task<ITransport>? _started;

    public ITransport Transport
    {
        get
        {
            lock (_lock)
            {
                return _transport ??= configuration.TransportFactory(services);
            }
        }
    }

    public ValueTask<ITransport> GetStartedAsync(CancellationToken cancellationToken)
    {
        var started = _started;
        if (started is { IsCompletedSuccessfully: true })
        {
            return ValueTask.FromResult(started.Result);
        }

        return new ValueTask<ITransport>(StartOnceAsync(cancellationToken));
    }

    private Task<ITransport> StartOnceAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            if (_started is null || _started.IsFaulted || _started.IsCanceled)
            {
                _started = StartAsync(cancellationToken);
            }

            return _started;
        }
    }

    private async Task<ITransport> StartAsync(CancellationToken cancellationToken)
    {
        var transport = Transport;
        await transport.StartAsync(cancellationToken).ConfigureAwait(false);
        return transport;
    }

    public async ValueTask DisposeAsync()
    {
        ITransport? transport;
        lock (_lock)
        {
            transport = _transport;
            _transport = null;
            _started = null;
        }

        if (transport is not null)
        {
            await transport.DisposeAsync().ConfigureAwait(false);
        }
    }
}
