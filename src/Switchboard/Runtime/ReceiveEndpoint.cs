using Microsoft.Extensions.Logging;
using Switchboard.Configuration;
using Switchboard.Pipeline;
using Switchboard.Transport;

namespace Switchboard.Runtime;

/// <summary>
/// One endpoint instance: <see cref="EndpointOptions.Concurrency"/> workers pulling from one receiver and
/// running each message through the pipeline. Stopping stops the pulling, lets in-flight messages finish
/// within the timeout, then cancels them; whatever is left unsettled goes back to the queue.
/// </summary>
internal sealed class ReceiveEndpoint(EndpointDefinition definition, ReceiveDelegate pipeline, ILogger logger)
{
    private readonly CancellationTokenSource _stopReceiving = new();
    private readonly CancellationTokenSource _abortHandlers = new();
    private ITransportReceiver? _receiver;
    private Task[] _workers = [];

    public string Queue => definition.Queue;

    public async Task StartAsync(ITransport transport, CancellationToken cancellationToken)
    {
        _receiver = await transport.CreateReceiverAsync(definition.Queue, new ReceiverOptions(definition.Options.Prefetch), cancellationToken).ConfigureAwait(false);
        // More workers than handlers: the invoke step lets Concurrency of them run handlers, the rest finish
        // (commit, dispatch, acknowledge) meanwhile.
        _workers = new Task[definition.Options.Concurrency + definition.Options.PendingSettlements];
        for (var i = 0; i < _workers.Length; i++)
        {
            _workers[i] = Task.Run(() => WorkAsync(_receiver), CancellationToken.None);
        }
    }

    /// <summary>
    /// Stops pulling, waits up to <paramref name="timeout"/> for the messages in flight, then cancels their handlers and
    /// waits up to <paramref name="timeout"/> again, then closes the receiver. When <paramref name="hostStopping"/> is
    /// cancelled (the host's own shutdown timeout passed), either wait ends at once.
    /// </summary>
    public async Task StopAsync(TimeSpan timeout, CancellationToken hostStopping)
    {
        await _stopReceiving.CancelAsync().ConfigureAwait(false);
        var all = Task.WhenAll(_workers);
        if (!await FinishesAsync(all, timeout, hostStopping).ConfigureAwait(false))
        {
            logger.LogWarning("Endpoint {Endpoint}: in-flight messages did not finish within {Timeout} (or the host's shutdown timeout); cancelling them", Queue, timeout);
            await _abortHandlers.CancelAsync().ConfigureAwait(false);

            // A handler that ignores its token must not hold shutdown forever: after one more timeout the receiver
            // is closed anyway, which returns its messages to the queue; their late settlements are ignored.
            if (!await FinishesAsync(all, timeout, hostStopping).ConfigureAwait(false))
            {
                logger.LogError("Endpoint {Endpoint}: handlers ignored cancellation for {Timeout} (or past the host's shutdown timeout); closing the receiver, their messages go back to the queue", Queue, timeout);
            }
        }

        if (_receiver is not null)
        {
            await _receiver.DisposeAsync().ConfigureAwait(false);
        }

        _stopReceiving.Dispose();
        _abortHandlers.Dispose();
    }

    private static async Task<bool> FinishesAsync(Task work, TimeSpan timeout, CancellationToken hostStopping)
    {
        using var patience = CancellationTokenSource.CreateLinkedTokenSource(hostStopping);
        var waited = Task.Delay(timeout, patience.Token);
        var first = await Task.WhenAny(work, waited).ConfigureAwait(false);
        await patience.CancelAsync().ConfigureAwait(false);
        return first == work;
    }

    private async Task WorkAsync(ITransportReceiver receiver)
    {
        var stop = _stopReceiving.Token;
        while (!stop.IsCancellationRequested)
        {
            IncomingMessage incoming;
            try
            {
                incoming = await receiver.ReceiveAsync(stop).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                logger.LogError(e, "Endpoint {Endpoint}: receiving failed; retrying in one second", Queue);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None).ConfigureAwait(false);
                continue;
            }

            try
            {
                await pipeline(new ReceiveContext(incoming, definition.Queue, _abortHandlers.Token)).ConfigureAwait(false);
            }
            catch (Exception e)
            {
                // The acknowledge step settles every message; this only catches a failing settlement.
                logger.LogError(e, "Endpoint {Endpoint}: settling message {MessageId} failed; the transport will redeliver it", Queue, incoming.Envelope.MessageId);
            }
        }
    }
}
