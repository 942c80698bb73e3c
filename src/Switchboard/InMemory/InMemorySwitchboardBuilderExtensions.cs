using Switchboard.InMemory;

namespace Switchboard.Configuration;

/// <summary>Selects the in-memory transport.</summary>
public static class InMemorySwitchboardBuilderExtensions
{
    /// <summary>Connects the bus to <paramref name="network"/>; buses on the same network talk to each other.</summary>
    public static SwitchboardBuilder UseInMemory(this SwitchboardBuilder builder, InMemoryNetwork network) =>
        builder.UseTransport(_ => new InMemoryTransport(network));
}
