using Microsoft.Extensions.DependencyInjection;
using Switchboard.InMemory;

namespace Switchboard.Configuration;

/// <summary>Selects the in-memory transport and store.</summary>
public static class InMemorySwitchboardBuilderExtensions
{
    /// <summary>Connects the bus to <paramref name="network"/>; buses on the same network talk to each other.</summary>
    public static SwitchboardBuilder UseInMemory(this SwitchboardBuilder builder, InMemoryNetwork network) =>
        builder.UseTransport(_ => new InMemoryTransport(network));

    /// <summary>Keeps inbox, outbox and saga state in process memory (tests, benchmarks): nothing survives the process.</summary>
    public static SwitchboardBuilder UseInMemoryStore(this SwitchboardBuilder builder, InMemoryMessageStore? store = null, Persistence.StoreOptions? options = null) =>
        builder.UseStore(sp => store ?? new InMemoryMessageStore(sp.GetService<TimeProvider>()), options);

    /// <summary>
    /// Keeps the event store in process memory (tests, benchmarks): nothing survives the process. It has no SQL, so a
    /// <see cref="EventSourcing.Projections.SqlProjection"/> cannot run on it (its host fails to start).
    /// </summary>
    public static SwitchboardBuilder UseInMemoryEventStore(this SwitchboardBuilder builder, InMemoryEventStore? store = null) =>
        builder.UseEventStore(sp => store ?? new InMemoryEventStore(sp.GetService<TimeProvider>()));
}
