using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Switchboard.EventSourcing;

namespace Switchboard.Configuration;

/// <summary>
/// Registers one event store instance under every contract it offers, so that each consumer asks for the narrowest one
/// it uses and all of them get the same singleton.
/// </summary>
internal static class EventStoreRegistration
{
    public static void Register<TStore>(IServiceCollection services, Func<IServiceProvider, TStore> factory)
        where TStore : class, IEventStore, ICheckpointStore, ISnapshotStore
    {
        services.RemoveAll<IEventStore>();
        services.RemoveAll<IEventStoreReader>();
        services.RemoveAll<IEventStoreWriter>();
        services.RemoveAll<ICheckpointStore>();
        services.RemoveAll<ISnapshotStore>();
        services.RemoveAll<Instance<TStore>>();
        services.AddSingleton(sp => new Instance<TStore>(factory(sp)));
        services.AddSingleton<IEventStore>(sp => sp.GetRequiredService<Instance<TStore>>().Store);
        services.AddSingleton<IEventStoreReader>(sp => sp.GetRequiredService<Instance<TStore>>().Store);
        services.AddSingleton<IEventStoreWriter>(sp => sp.GetRequiredService<Instance<TStore>>().Store);
        services.AddSingleton<ICheckpointStore>(sp => sp.GetRequiredService<Instance<TStore>>().Store);
        services.AddSingleton<ISnapshotStore>(sp => sp.GetRequiredService<Instance<TStore>>().Store);
    }

    // Keeps the store typed, so every contract is a forward without a cast. The holder is not disposable: the container
    // disposes the store once per contract it resolved, which stores take (a second dispose is harmless).
    private sealed record Instance<TStore>(TStore Store);
}
