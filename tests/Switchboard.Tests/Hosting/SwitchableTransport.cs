using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Tests.Hosting;

/// <summary>
/// An in-memory transport whose start fails with <see cref="StartFailure"/>'s exception while it returns one, and whose
/// sends first wait for <see cref="SendGate"/>.
/// </summary>
internal sealed class SwitchableTransport(ITransport inner) : ITransport
{
    private int _startAttempts;

    /// <summary>The exception the next start throws; null: it starts.</summary>
    public Func<Exception?> StartFailure { get; set; } = () => null;

    /// <summary>What a send to a queue waits for before it goes out (given the queue and the send's token).</summary>
    public Func<string, CancellationToken, Task> SendGate { get; set; } = (_, _) => Task.CompletedTask;

    public int StartAttempts => Volatile.Read(ref _startAttempts);

    public string Name => inner.Name;

    public IDeadLetterQueue DeadLetters => inner.DeadLetters;

    public ValueTask StartAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _startAttempts);
        return StartFailure() is { } failure ? ValueTask.FromException(failure) : inner.StartAsync(cancellationToken);
    }

    public ValueTask DeclareEndpointAsync(EndpointDeclaration endpoint, CancellationToken cancellationToken = default) => inner.DeclareEndpointAsync(endpoint, cancellationToken);

    public async ValueTask SendAsync(string queue, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default)
    {
        await SendGate(queue, cancellationToken);
        await inner.SendAsync(queue, envelope, deliverAt, cancellationToken);
    }

    public ValueTask PublishAsync(string topic, Envelope envelope, DateTimeOffset? deliverAt = null, CancellationToken cancellationToken = default) => inner.PublishAsync(topic, envelope, deliverAt, cancellationToken);

    public ValueTask<ITransportReceiver> CreateReceiverAsync(string queue, ReceiverOptions options, CancellationToken cancellationToken = default) => inner.CreateReceiverAsync(queue, options, cancellationToken);

    public ValueTask DisposeAsync() => inner.DisposeAsync();
}
