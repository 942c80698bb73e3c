using Switchboard.Configuration;
using Switchboard.InMemory;

namespace Switchboard.Benchmarks.Systems;

/// <summary>A fresh in-memory network for each run; the in-memory store when the scenario keeps state.</summary>
public sealed class InMemoryTransportSetup : ITransportSetup
{
    private readonly InMemoryNetwork _network = new();

    /// <summary>Creates the network.</summary>
    public static ValueTask<ITransportSetup> CreateAsync(BenchmarkSettings settings, CancellationToken cancellationToken) =>
        ValueTask.FromResult<ITransportSetup>(new InMemoryTransportSetup());

    /// <inheritdoc />
    public void Configure(SwitchboardBuilder bus) => bus.UseInMemory(_network);

    /// <inheritdoc />
    public void ConfigureStore(SwitchboardBuilder bus) => bus.UseInMemoryStore();

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _network.Dispose();
        return ValueTask.CompletedTask;
    }
}
