using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Switchboard.Messages;
using Switchboard.Persistence;

namespace Switchboard.Sending;

/// <summary>
/// The one owner of outgoing messages, which decides how each leaves: <b>now</b> (sent outside a unit of work, or
/// after handlers that run without one), <b>with a unit of work's commit</b> (into the transport's own tables when they
/// share the store's database, else into the store's outbox and dispatched right after the commit), or <b>by the
/// relay</b> (<see cref="OutboxRelay"/>), when that dispatch fails or the process dies before it.
/// </summary>
internal sealed class Outbound(Dispatcher dispatcher, ILoggerFactory loggers)
{
    private readonly ILogger _logger = loggers.CreateLogger("Switchboard.Outbox");
    private readonly ConcurrentDictionary<IOutboxStore, Lazy<OutboxCleanup>> _cleanups = new();
    private volatile bool _drained;

    /// <summary>Hands <paramref name="message"/> to the transport now.</summary>
    public ValueTask DispatchAsync(OutgoingMessage message, CancellationToken cancellationToken) =>
        dispatcher.DispatchAsync(message, cancellationToken);

    /// <summary>Hands <paramref name="messages"/> to the transport now, together (so that a transport can batch them).</summary>
    public ValueTask DispatchAsync(IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken) =>
        messages.Count == 0 ? ValueTask.CompletedTask : dispatcher.DispatchAllAsync(messages, cancellationToken);

    /// <summary>
    /// Makes <paramref name="messages"/> part of <paramref name="transaction"/>, each with its producer span (see
    /// <see cref="Dispatcher.Stamp"/>). Returns the messages to hand to <see cref="DispatchCommittedAsync"/> once it
    /// committed, or null when they go out with the commit itself.
    /// </summary>
    public async ValueTask<OutgoingMessage[]?> EnlistAsync(IStoreTransaction transaction, IReadOnlyList<OutgoingMessage> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
        {
            return null;
        }

        var stamped = dispatcher.Stamp([.. messages]);
        return await transaction.EnlistAsync(stamped, cancellationToken).ConfigureAwait(false) ? stamped : null;
    }

    /// <summary>
    /// Dispatches what a unit of work committed into <paramref name="outbox"/>, then removes it from there (with other
    /// units' rows, see <see cref="OutboxCleanup"/>). Never
    /// throws: the commit stands, and a failure only leaves the messages to the relay. So does
    /// <paramref name="cancellationToken"/> (an endpoint that stops and will not wait any longer).
    /// </summary>
    public async ValueTask DispatchCommittedAsync(IOutboxStore outbox, OutgoingMessage[] committed, CancellationToken cancellationToken)
    {
        try
        {
            await dispatcher.DispatchAllAsync(committed, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            if (_logger.IsEnabled(LogLevel.Information))
            {
                _logger.LogInformation("Dispatching {Count} committed message(s) was cancelled; the outbox relay will send them", committed.Length);
            }

            return;
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Dispatching {Count} committed message(s) failed; the outbox relay will send them", committed.Length);
            return;
        }

        // After the bus drained (a handler that outlived its endpoint's stop), the delete runs here.
        var ids = Array.ConvertAll(committed, m => m.Envelope.MessageId);
        if (!_drained && await _cleanups.GetOrAdd(outbox, static (o, logger) => new Lazy<OutboxCleanup>(() => new OutboxCleanup(o, logger)), _logger).Value.RemoveAsync(ids).ConfigureAwait(false))
        {
            return;
        }

        try
        {
            await outbox.MarkDispatchedAsync(ids, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            _logger.LogWarning(e, "Removing {Count} dispatched message(s) from the outbox failed; the relay will send them again", committed.Length);
        }
    }

    /// <summary>
    /// Removes every dispatched message still queued for removal (the bus is stopping; its endpoints have stopped) until
    /// <paramref name="cancellationToken"/> says to wait no longer; later dispatches delete their rows themselves.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        _drained = true;
        foreach (var (outbox, cleanup) in _cleanups)
        {
            _cleanups.TryRemove(outbox, out _);
            await cleanup.Value.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The bus starts (again): dispatched rows are removed in batches.</summary>
    public void Resume() => _drained = false;
}
