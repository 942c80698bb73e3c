using Switchboard.Configuration;

namespace Switchboard.Benchmarks.Systems;

/// <summary>
/// What one Switchboard transport needs for one run: whatever it set up before the bus starts (a network, a
/// database file, a vhost), how to select it on the builder, and its removal when disposed.
/// </summary>
public interface ITransportSetup : IAsyncDisposable
{
    /// <summary>Selects and configures the transport (and, later, the transport's saga store).</summary>
    void Configure(SwitchboardBuilder bus);
}
