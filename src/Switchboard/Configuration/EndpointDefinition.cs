using System.Collections.Frozen;
using Switchboard.Pipeline;

namespace Switchboard.Configuration;

/// <summary>
/// A receive endpoint as configured, as data: its queue, options, handlers, topics and the changes to its receive
/// pipeline. The bus's runtime turns it into a running endpoint; nothing here runs.
/// </summary>
public sealed class EndpointDefinition
{
    internal EndpointDefinition(
        string queue,
        EndpointOptions options,
        FrozenDictionary<Type, HandlerInvoker[]> handlers,
        IReadOnlyCollection<string> topics,
        IReadOnlyList<Action<ReceivePipelineBuilder>> pipelineChanges)
    {
        Queue = queue;
        Options = options;
        Handlers = handlers;
        Topics = topics;
        PipelineChanges = pipelineChanges;
    }

    /// <summary>The endpoint's queue name.</summary>
    public string Queue { get; }

    /// <summary>Concurrency, prefetch, retries, and whether (and how) it handles messages in units of work.</summary>
    public EndpointOptions Options { get; }

    /// <summary>The handlers of each message type this endpoint handles.</summary>
    public FrozenDictionary<Type, HandlerInvoker[]> Handlers { get; }

    /// <summary>
    /// Whether the endpoint handles the messages of one ordering key one at a time, in send order
    /// (<see cref="EndpointBuilder.OrderedBy{TMessage}"/>).
    /// </summary>
    public bool Ordered { get; init; }

    /// <summary>The topics (message type names) the endpoint subscribes to.</summary>
    public IReadOnlyCollection<string> Topics { get; }

    /// <summary>
    /// The changes to the built-in receive steps, in the order they apply: the bus-wide ones
    /// (<see cref="SwitchboardBuilder.ConfigurePipeline"/>), then the endpoint's own (<see cref="EndpointBuilder.ConfigurePipeline"/>).
    /// </summary>
    public IReadOnlyList<Action<ReceivePipelineBuilder>> PipelineChanges { get; }
}
