using System.Collections.Frozen;
using Switchboard.Pipeline;

namespace Switchboard.Configuration;

/// <summary>A receive endpoint as configured: its queue, options, handlers and pipeline.</summary>
public sealed class EndpointDefinition
{
    internal EndpointDefinition(
        string queue,
        EndpointOptions options,
        FrozenDictionary<Type, HandlerInvoker[]> handlers,
        IReadOnlyCollection<string> topics,
        ReceivePipelineBuilder pipeline)
    {
        Queue = queue;
        Options = options;
        Handlers = handlers;
        Topics = topics;
        Pipeline = pipeline;
    }

    /// <summary>The endpoint's queue name.</summary>
    public string Queue { get; }

    /// <summary>Concurrency, prefetch, retries.</summary>
    public EndpointOptions Options { get; }

    /// <summary>The handlers of each message type this endpoint handles.</summary>
    public FrozenDictionary<Type, HandlerInvoker[]> Handlers { get; }

    /// <summary>The topics (message type names) the endpoint subscribes to.</summary>
    public IReadOnlyCollection<string> Topics { get; }

    /// <summary>The receive steps, in order.</summary>
    public ReceivePipelineBuilder Pipeline { get; }
}
