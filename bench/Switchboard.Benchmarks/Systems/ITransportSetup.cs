using Switchboard.Configuration;

namespace Switchboard.Benchmarks.Systems;

/// <summary>
/// What one Switchboard transport needs for one run: whatever it set up before the bus starts (a network, a
/// database file, a vhost), how to select it on the builder, and its removal when disposed.
/// </summary>
public interface ITransportSetup : IAsyncDisposable
{
    /// <summary>Selects and configures the transport.</summary>
    void Configure(SwitchboardBuilder bus);

    /// <summary>
    /// Selects the store that goes with the transport (inbox, outbox, saga state), for scenarios that keep state
    /// (<see cref="Scenarios.IScenario.UsesStore"/>); the others run without a store.
    /// </summary>
    void ConfigureStore(SwitchboardBuilder bus);
}
