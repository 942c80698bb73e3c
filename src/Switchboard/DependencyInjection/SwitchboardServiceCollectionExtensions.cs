using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Switchboard;
using Switchboard.Configuration;
using Switchboard.Diagnostics;
using Switchboard.Hosting;
using Switchboard.Operations;
using Switchboard.Persistence;
using Switchboard.Pipeline;
using Switchboard.Runtime;
using Switchboard.Sending;
using Switchboard.Transport;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Switchboard in one call.</summary>
public static class SwitchboardServiceCollectionExtensions
{
    /// <summary>
    /// Adds the bus (<see cref="IBus"/>), the endpoints, a hosted service that starts and stops them, and the bus's health
    /// check (<see cref="SwitchboardHealthChecks.Bus"/>). When the broker or the database cannot be reached at start, the
    /// host starts without the bus, which keeps trying in the background (see <see cref="BusOptions.StartRetryDelay"/>).
    /// <code>
    /// services.AddSwitchboard(bus => bus
    ///     .Message&lt;OrderPlaced&gt;("shop.order-placed.v1")
    ///     .Endpoint("orders", e => e.Handle&lt;OrderPlaced, OrderPlacedHandler&gt;())
    ///     .UseInMemory(network));
    /// </code>
    /// </summary>
    public static IServiceCollection AddSwitchboard(this IServiceCollection services, Action<SwitchboardBuilder> configure) =>
        services.AddSwitchboard(null, configure);

    /// <summary>
    /// Adds the bus as <see cref="AddSwitchboard(IServiceCollection, Action{SwitchboardBuilder})"/> does, then applies
    /// <paramref name="settings"/> over what <paramref name="configure"/> set: its <c>Bus</c> section
    /// (<see cref="BusOptions"/>), <c>Store</c> (<see cref="Switchboard.Persistence.StoreOptions"/>), <c>Health</c>
    /// (<see cref="SwitchboardHealthOptions"/>), <c>EndpointDefaults</c> and <c>Endpoints:{queue}</c> (each endpoint's
    /// <c>Concurrency</c>, <c>Prefetch</c>, <c>PendingSettlements</c> and <c>Retry</c>). A key that names no setting or no
    /// endpoint, a value that does not convert, and a value out of range throw an
    /// <see cref="Microsoft.Extensions.Options.OptionsValidationException"/> here, whose messages name the key.
    /// <code>
    /// builder.Services.AddSwitchboard(builder.Configuration.GetSection("Switchboard"), bus => bus
    ///     .Endpoint("orders", e => e.Handle&lt;OrderPlaced, OrderPlacedHandler&gt;())
    ///     .UseSqlite(builder.Configuration.GetSection("Switchboard:Sqlite")));
    /// </code>
    /// </summary>
    public static IServiceCollection AddSwitchboard(this IServiceCollection services, IConfigurationSection? settings, Action<SwitchboardBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        if (services.Any(d => d.ServiceType == typeof(BusConfiguration)))
        {
            throw new InvalidOperationException("AddSwitchboard was already called on this service collection.");
        }

        var builder = new SwitchboardBuilder(services, settings);
        configure(builder);
        var configuration = builder.Build();

        services.AddSingleton(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new TransportHost(configuration.TransportFactory, sp));
        services.AddSingleton(sp => new EnvelopeFactory(
            configuration.Registry,
            configuration.Serializer,
            configuration.Routes,
            configuration.Options.OnlyDeclaredPublications ? configuration.Publications : null,
            sp.GetRequiredService<TimeProvider>(),
            configuration.Options.WireFormat,
            configuration.Options.CloudEventsSource ?? "/" + (sp.GetService<IHostEnvironment>()?.ApplicationName ?? "switchboard"),
            configuration.OrderingKeys));
        services.AddSingleton<Switchboard.Serialization.IMessageSerializer>(configuration.Serializer);
        services.AddSingleton<Dispatcher>();
        services.AddSingleton(sp => new Outbound(sp.GetRequiredService<Dispatcher>(), sp.Loggers()));
        services.AddSingleton<IBus, MessageBus>();
        services.AddSingleton<HandledMessageLog>();
        services.AddSingleton(sp => new Switchboard.CloudEvents.CloudEventsIntake(
            sp.GetRequiredService<IBus>(),
            configuration.Registry,
            configuration.Serializer,
            configuration.Options.OnlyDeclaredPublications ? configuration.Publications : null));
        services.AddSingleton(sp => new Switchboard.Consistency.ReadYourWrites(configuration, sp.GetRequiredService<HandledMessageLog>(), sp));
        services.AddSingleton(sp => new BusRuntime(configuration, sp.GetRequiredService<TransportHost>(), sp, sp.Loggers()));
        services.AddSingleton(sp => new EndpointMonitor(configuration, sp.GetRequiredService<TimeProvider>(), () => sp.GetRequiredService<BusRuntime>().RunningQueues));
        services.AddSingleton<IEndpointMonitor>(sp => sp.GetRequiredService<EndpointMonitor>());
        services.AddSingleton<ITransport>(sp => sp.GetRequiredService<TransportHost>().Transport);
        services.AddSingleton<IDeadLetterQueue>(sp => sp.GetRequiredService<TransportHost>().Transport.DeadLetters);
        services.AddScoped<MessageContextAccessor>();
        services.AddScoped<UnitOfWork>();
        services.AddScoped<IUnitOfWork>(sp => sp.GetRequiredService<UnitOfWork>());
        services.AddScoped<IMessageContext>(sp => sp.GetRequiredService<MessageContextAccessor>().Current
            ?? throw new InvalidOperationException("IMessageContext is only available while a message is being handled."));
        services.AddScoped<HandlerSlot>(sp => sp.GetRequiredService<MessageContextAccessor>().Current?.Slot
            ?? throw new InvalidOperationException("The handler slot is only available while a message is being handled."));
        services.AddHostedService<SwitchboardHostedService>();
        services.TryAddSingleton(new SwitchboardHealthOptions());
        // One instance: it keeps the samples that growth is counted from (AddCheck would create one per probe otherwise).
        services.AddSingleton<DeadLetterHealthCheck>();
        var health = services.AddHealthChecks()
            .AddCheck<BusHealthCheck>(SwitchboardHealthChecks.Bus, tags: SwitchboardHealthChecks.Tags)
            .AddCheck<DeadLetterHealthCheck>(SwitchboardHealthChecks.DeadLetters, tags: SwitchboardHealthChecks.FlowTags);
        if (services.Any(d => d.ServiceType == typeof(IMessageStore)))
        {
            health.AddCheck<OutboxHealthCheck>(SwitchboardHealthChecks.Outbox, tags: SwitchboardHealthChecks.FlowTags);
        }

        // After the bus, so that it is stopped before it (its subscriptions, which may publish, also start after it).
        if (services.Any(d => d.ServiceType == typeof(Switchboard.EventSourcing.Hosting.EventSourcingRuntime)))
        {
            services.AddHostedService<Switchboard.EventSourcing.Hosting.EventSourcingHostedService>();
        }

        return services;
    }
}
