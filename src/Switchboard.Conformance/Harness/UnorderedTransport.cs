using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Conformance.Harness;

/// <summary>
/// Another transport without its ordering (it is no <see cref="IOrderedTransport"/>), as a transport that cannot keep
/// order would be: every built-in transport keeps order, and tests of what happens without it need one that does not.
/// </summary>
public sealed class UnorderedTransport(ITransport inner) : ITransport
{
    /// <summary>"unordered".</summary>
    public string Name => "unordered";

    /// <inheritdoc />
    public IDeadLetterQueue DeadLetters => inner.DeadLetters;

    /// <inheritdoc />
    public ValueTask StartAsync(CancellationToken cancellationToken = default) => inner.StartAsync(cancellationToken);

    /// <inheritdoc />
    public ValueTask DeclareEndpointAsync(EndpointDeclaration endpoint, CancellationToken cancellationToken = default) => inner.DeclareEndpointAsync(endpoint, cancellationToken);

    /// <inheritdoc />
    public ValueTask SendAsync(string queue, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default) => inner.SendAsync(queue, envelope, deliverAt, cancellationToken);

    /// <inheritdoc />
    public ValueTask PublishAsync(string topic, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default) => inner.PublishAsync(topic, envelope, deliverAt, cancellationToken);

    /// <inheritdoc />
    public ValueTask<ITransportReceiver> CreateReceiverAsync(string queue, ReceiverOptions options, CancellationToken cancellationToken = default) => inner.CreateReceiverAsync(queue, options, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
