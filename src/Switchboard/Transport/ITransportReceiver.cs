namespace Switchboard.Transport;

/// <summary>
/// A consumer of one queue. Disposing it stops delivery and returns every message it holds unsettled to
/// the queue, to be redelivered with a higher delivery count.
/// </summary>
public interface ITransportReceiver : IAsyncDisposable
{
    /// <summary>Waits for the next message. Throws <see cref="OperationCanceledException"/> when cancelled.</summary>
    ValueTask<IncomingMessage> ReceiveAsync(CancellationToken cancellationToken = default);
}
