using Switchboard.Messages;
using Switchboard.Pipeline;

namespace Switchboard.Benchmarks.Diagnostics;

/// <summary>A message context that cannot send: enough for the benchmark's handlers under the <see cref="Ablations.Scope"/> ablation.</summary>
internal sealed class MinimalMessageContext(ReceiveContext receive) : IMessageContext
{
    public Envelope Envelope => receive.Envelope;

    public string Endpoint => receive.Endpoint;

    public int DeliveryCount => receive.Incoming.DeliveryCount;

    public ValueTask SendAsync<TMessage>(TMessage message, SendOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull => throw new NotSupportedException("Sending from a handler is not available under the scope ablation.");

    public ValueTask PublishAsync<TMessage>(TMessage message, PublishOptions? options = null, CancellationToken cancellationToken = default)
        where TMessage : notnull => throw new NotSupportedException("Publishing from a handler is not available under the scope ablation.");
}
