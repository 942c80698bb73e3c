using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Auditing;
using Switchboard.Configuration;
using Switchboard.Diagnostics;
using Switchboard.Persistence;
using Switchboard.Pipeline;
using Switchboard.Pipeline.Steps;
using Switchboard.Sending;
using Switchboard.Transport;

namespace Switchboard.Runtime;

/// <summary>
/// Where an endpoint's definition becomes its receive pipeline, and the only place that knows the built-in steps: they
/// come in their documented order (with <see cref="SwitchboardBuilder.UseAudit"/> the audit step just inside the acknowledge
/// step; on a transactional endpoint the transaction step takes the dispatch step's place, just inside the scope step),
/// then the definition's changes apply.
/// </summary>
internal static class EndpointPipeline
{
    /// <summary>The steps of <paramref name="endpoint"/>, not yet created.</summary>
    /// <exception cref="InvalidOperationException">The endpoint is transactional and the bus has no store.</exception>
    public static ReceivePipelineBuilder Create(EndpointDefinition endpoint, IServiceProvider services)
    {
        var logger = services.Loggers().CreateLogger("Switchboard.Endpoint." + endpoint.Queue);
        var pipeline = new ReceivePipelineBuilder()
            .Add(StepNames.Acknowledge, _ => new AcknowledgeStep(logger, services.GetRequiredService<HandledMessageLog>()));
        if (services.GetService<AuditOptions>() is { } audit)
        {
            pipeline.Add(StepNames.Audit, _ => new AuditStep(services.GetRequiredService<AuditWriter>(), audit, services.GetRequiredService<TimeProvider>()));
        }

        pipeline
            .Add(StepNames.Trace, _ => new TraceStep(logger, services.GetRequiredService<TransportHost>().Transport.Name))
            .Add(StepNames.Deserialize, _ => new DeserializeStep(services.GetRequiredService<BusConfiguration>(), endpoint))
            .Add(StepNames.Retry, _ => new RetryStep(endpoint.Options.Retry, logger))
            .Add(StepNames.Scope, _ => new ScopeStep(services.GetRequiredService<IServiceScopeFactory>(), services.GetRequiredService<EnvelopeFactory>().WithFormat(endpoint.Options.WireFormat)));
        if (endpoint.Options.Transactional is { } transactional)
        {
            var store = services.GetService<IMessageStore>()
                ?? throw new InvalidOperationException($"Endpoint '{endpoint.Queue}' is transactional, but the bus has no store: call UseInMemoryStore(), UseSqliteStore() or UsePostgreSqlStore(...).");
            pipeline.Add(StepNames.Transaction, _ => new TransactionStep(store, services.GetRequiredService<Outbound>(), transactional, logger));
        }
        else
        {
            pipeline.Add(StepNames.Dispatch, _ => new DispatchStep(services.GetRequiredService<Outbound>()));
        }

        pipeline.Add(StepNames.Invoke, _ => new InvokeStep(endpoint));
        foreach (var change in endpoint.PipelineChanges)
        {
            change(pipeline);
        }

        return pipeline;
    }

    /// <summary>Creates the steps of <paramref name="endpoint"/> and chains them.</summary>
    public static ReceiveDelegate Build(EndpointDefinition endpoint, IServiceProvider services) =>
        Create(endpoint, services).Build(new PipelineServices(services, endpoint.Queue));
}
