using Switchboard.Configuration;

namespace Switchboard.Pipeline;

/// <summary>What a step factory gets to build its step for one endpoint.</summary>
/// <param name="Services">The application's root service provider.</param>
/// <param name="Endpoint">The endpoint the pipeline belongs to.</param>
public sealed record PipelineServices(IServiceProvider Services, EndpointDefinition Endpoint);
