using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;
using Switchboard.Configuration;
using Switchboard.InMemory;
using Switchboard.Persistence;
using Switchboard.Testing;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers the Switchboard test harness in a host of the test's own (a web application under a test server).</summary>
public static class SwitchboardTestHarnessServiceCollectionExtensions
{
    /// <summary>
    /// Adds the bus as <c>AddSwitchboard(configureBus)</c> would, on the harness's in-memory transport, with the harness's
    /// recording, and the <see cref="SwitchboardTestHarness"/> itself; see <see cref="SwitchboardTestHarnessOptions"/> for
    /// what else it replaces (the stores, the clock). Call it instead of the application's <c>AddSwitchboard</c>, and
    /// after any registration of a <see cref="TimeProvider"/>. Once the host started, take the harness from the container
    /// (and <see cref="SwitchboardTestHarness.WaitForStartAsync"/>); the host stops the bus.
    /// </summary>
    /// <param name="services">The host's services.</param>
    /// <param name="configureBus">The application's bus registrations, the delegate it gives <c>AddSwitchboard</c>.</param>
    /// <param name="options">How the harness runs; the defaults when null.</param>
    public static IServiceCollection AddSwitchboardTestHarness(this IServiceCollection services, Action<SwitchboardBuilder> configureBus, SwitchboardTestHarnessOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(configureBus);
        options ??= new SwitchboardTestHarnessOptions();
        options.Validate();
        if (options.UseFakeTime)
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(new FakeTimeProvider(options.StartTime ?? DateTimeOffset.UtcNow));
        }

        var recorder = new HarnessRecorder();
        services.AddSingleton(sp => new HarnessNetwork(new InMemoryNetwork(options.Network, sp.GetRequiredService<TimeProvider>())));
        services.AddSingleton(sp => new SwitchboardTestHarness(sp, recorder, sp.GetRequiredService<HarnessNetwork>().Network, options));
        services.AddSwitchboard(bus =>
        {
            configureBus(bus);
            bus.UseTransport(sp => new RecordingTransport(
                new InMemoryTransport(sp.GetRequiredService<HarnessNetwork>().Network),
                recorder,
                sp.GetRequiredService<BusConfiguration>(),
                sp.GetRequiredService<TimeProvider>()));
            if (!options.KeepStores)
            {
                UseInMemoryStores(bus);
            }

            bus.ConfigurePipeline(pipeline => pipeline.InsertAfter(
                Switchboard.Pipeline.StepNames.Acknowledge,
                RecordStep.Name,
                step => new RecordStep(recorder, step.Services.GetRequiredService<TimeProvider>())));
        });
        return services;
    }

    // The in-memory stores, in place of the configured ones (or where the environment adds them, as the transport): a
    // saga or a transactional endpoint has its store. The configured store's options (relay, inbox retention) stay.
    private static void UseInMemoryStores(SwitchboardBuilder bus)
    {
        var storeOptions = bus.Services.LastOrDefault(d => d.ServiceType == typeof(StoreOptions))?.ImplementationInstance as StoreOptions;
        bus.UseInMemoryStore(options: storeOptions);
        bus.UseInMemoryEventStore();
    }
}

/// <summary>The harness's network, owned by the container (which disposes it with the host).</summary>
internal sealed class HarnessNetwork(InMemoryNetwork network) : IDisposable
{
    public InMemoryNetwork Network { get; } = network;

    public void Dispose() => Network.Dispose();
}
