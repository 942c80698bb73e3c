using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Pipeline.Steps;
using Switchboard.Runtime;

namespace Switchboard.Pipeline;

/// <summary>The built-in receive steps, in the order every endpoint starts with.</summary>
internal static class DefaultPipeline
{
    public static ReceivePipelineBuilder Create() => new ReceivePipelineBuilder()
        .Add(StepNames.Acknowledge, s => new AcknowledgeStep(Logger(s)))
        .Add(StepNames.Trace, s => new TraceStep(Logger(s), s.Services.GetRequiredService<TransportHost>().Transport.Name))
        .Add(StepNames.Deserialize, s => new DeserializeStep(s.Services.GetRequiredService<BusConfiguration>()))
        .Add(StepNames.Retry, s => new RetryStep(s.Endpoint.Options.Retry, Logger(s)))
        .Add(StepNames.Scope, s => new ScopeStep(s.Services.GetRequiredService<IServiceScopeFactory>(), s.Services.GetRequiredService<EnvelopeFactory>()))
        .Add(StepNames.Dispatch, s => new DispatchStep(s.Services.GetRequiredService<Dispatcher>()))
        .Add(StepNames.Invoke, s => new InvokeStep(s.Endpoint));

    private static ILogger Logger(PipelineServices services) =>
        services.Services.Loggers().CreateLogger("Switchboard.Endpoint." + services.Endpoint.Queue);
}
