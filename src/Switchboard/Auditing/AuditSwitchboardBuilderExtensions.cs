using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Diagnostics;
using Switchboard.Persistence;
using Switchboard.Pipeline;

namespace Switchboard.Auditing;

/// <summary>Turns on message audit.</summary>
public static class AuditSwitchboardBuilderExtensions
{
    /// <summary>
    /// Records how every delivery to this bus's endpoints ended (handled, retrying, dead-lettered), with its ids,
    /// endpoint, service, instance, times, attempts and optionally the start of its body, in the audit log of the
    /// bus's store (<see cref="IAuditLogStore"/>), in batches, pruned by age and count (<see cref="AuditOptions"/>). The
    /// log is then available as <see cref="IAuditLog"/>; <see cref="MessageFlow"/> reads one conversation from it.
    /// Calling it again replaces the options.
    /// </summary>
    /// <remarks>
    /// The bus fails to start when it has no store, or a store that keeps no audit log. Records are written after the
    /// message is settled, not in its unit of work: a process that dies loses the records it had not written yet
    /// (at most <see cref="AuditOptions.BufferCapacity"/>), never a message.
    /// </remarks>
    public static SwitchboardBuilder UseAudit(this SwitchboardBuilder bus, Func<AuditOptions, AuditOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(bus);
        var options = configure?.Invoke(new AuditOptions()) ?? new AuditOptions();
        options.Validate();
        var first = !bus.Services.Any(d => d.ServiceType == typeof(AuditOptions));
        bus.Services.RemoveAll<AuditOptions>();
        bus.Services.AddSingleton(options);
        if (!first)
        {
            return bus;
        }

        bus.Services.AddSingleton<IAuditLog>(services => services.GetService<IMessageStore>() switch
        {
            IAuditLogStore store => store.AuditLog,
            null => throw new InvalidOperationException("Audit writes to the bus's store, and the bus has none: call UseInMemoryStore(), UseSqliteStore() or UsePostgreSqlStore(...) too."),
            var store => throw new InvalidOperationException($"Audit writes to the bus's store, and the store '{store.Name}' keeps no audit log (it is not an {nameof(IAuditLogStore)})."),
        });
        bus.Services.AddSingleton(services => new AuditWriter(
            services.GetRequiredService<IAuditLog>(),
            services.GetRequiredService<AuditOptions>(),
            services.GetRequiredService<TimeProvider>(),
            services.Loggers().CreateLogger("Switchboard.Audit")));
        bus.ConfigurePipeline(pipeline => pipeline.InsertAfter(StepNames.Acknowledge, StepNames.Audit, step => new AuditStep(
            step.Services.GetRequiredService<AuditWriter>(),
            step.Services.GetRequiredService<AuditOptions>(),
            step.Services.GetRequiredService<TimeProvider>())));
        return bus;
    }
}
