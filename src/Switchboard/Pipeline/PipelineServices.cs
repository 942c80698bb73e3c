namespace Switchboard.Pipeline;

/// <summary>What a step factory gets to build its step for one endpoint.</summary>
/// <param name="Services">The application's root service provider.</param>
/// <param name="Endpoint">The queue of the endpoint the pipeline belongs to (its definition is among the bus configuration's endpoints).</param>
public sealed record PipelineServices(IServiceProvider Services, string Endpoint);
