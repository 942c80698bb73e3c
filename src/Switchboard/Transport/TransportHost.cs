namespace Switchboard.Transport;

/// <summary>
/// Owns the transport instance and starts it once. The bus connects it at start (<see cref="ConnectAsync"/>); while
/// the bus's attempts to connect keep failing, sends and publishes fail fast with
/// <see cref="TransportUnavailableException"/> instead of trying to connect themselves.
/// </summary>
internal sealed class TransportHost(Func<IServiceProvider, ITransport> create, IServiceProvider services) : IAsyncDisposable
{
    private readonly Lock _lock = new();
    private ITransport? _transport;
    private Task<ITransport>? _started;
    private volatile string? _unreachable;

    public ITransport Transport
    {
        get
        {
            lock (_lock)
            {
                return _transport ??= create(services);
            }
        }
    }

    /// <summary>Whether the transport is started and connected to its broker now.</summary>
    public bool IsConnected => _started is { IsCompletedSuccessfully: true } started && started.Result.IsConnected;

    /// <summary>
    /// The started transport. Before the bus's first attempt to connect (a bus used before its host starts) this starts
    /// it; once an attempt failed, this throws <see cref="TransportUnavailableException"/> until one succeeds.
    /// </summary>
    public ValueTask<ITransport> GetStartedAsync(CancellationToken cancellationToken)
    {
        var started = _started;
        if (started is { IsCompletedSuccessfully: true })
        {
            return ValueTask.FromResult(started.Result);
        }

        if (_unreachable is { } reason)
        {
            return ValueTask.FromException<ITransport>(new TransportUnavailableException($"The bus has not connected to its broker yet: {reason}"));
        }

        return new ValueTask<ITransport>(StartOnceAsync(cancellationToken));
    }

    /// <summary>Starts the transport (again, when the last attempt failed); remembers why it failed for <see cref="GetStartedAsync"/>.</summary>
    public async Task<ITransport> ConnectAsync(CancellationToken cancellationToken)
    {
        try
        {
            var transport = await StartOnceAsync(cancellationToken).ConfigureAwait(false);
            _unreachable = null;
            return transport;
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _unreachable = e.Message;
            throw;
        }
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
