using System.Threading.Channels;
using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Exceptions;

namespace Switchboard.RabbitMQ;

/// <summary>
/// Sends a consumer channel's acknowledgements and requeues in delivery order, coalescing them: while one round
/// is being written, the settlements that arrive wait for the next, and a round sends one <c>basic.ack</c> with
/// <c>multiple</c> for every run of settled deliveries at the head of the channel's window. That saves the broker
/// and the client a frame per message, with the same guarantee: nothing is acknowledged before its handler finished.
/// </summary>
/// <remarks>
/// A delivery settled behind one still being handled waits for a later round, but at most
/// <c>prefetch / 2</c> of them: past that they go one by one, so a slow message never closes the window.
/// A requeue is never covered by a multiple acknowledgement: the run before it is acknowledged first, then it
/// is requeued on its own. After the connection recovered, the client drops settlements of deliveries from
/// before (the broker redelivers those).
/// </remarks>
internal sealed class AcknowledgementBatcher
{
    private enum Outcome : byte
    {
        Acknowledge,
        Requeue,
        Sent,
    }

    private readonly Func<ulong, bool, bool, ValueTask> _send;
    private readonly int _mostHeld;
    private readonly Lock _gate = new();
    private readonly Queue<ulong> _unsettled = new(); // delivery tags in the order the broker delivered them
    private readonly Dictionary<ulong, Outcome> _settled = [];
    private readonly Channel<bool> _doorbell = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly List<(ulong Tag, bool Multiple, bool Requeue)> _round = [];
    private readonly Task _writer;

    public AcknowledgementBatcher(IChannel channel, int prefetch)
        : this((tag, multiple, requeue) => requeue ? channel.BasicNackAsync(tag, multiple, requeue: true) : channel.BasicAckAsync(tag, multiple), prefetch)
    {
    }

    /// <summary>Sends through <paramref name="send"/>(delivery tag, multiple, requeue).</summary>
    internal AcknowledgementBatcher(Func<ulong, bool, bool, ValueTask> send, int prefetch)
    {
        _send = send;
        _mostHeld = prefetch / 2;
        _writer = Task.Run(WriteAsync);
    }

    /// <summary>Records a delivery as it arrives; the consumer dispatches one channel's deliveries in order.</summary>
    public void Delivered(ulong deliveryTag)
    {
        lock (_gate)
        {
            _unsettled.Enqueue(deliveryTag);
        }
    }

    public void Acknowledge(ulong deliveryTag) => Settle(deliveryTag, Outcome.Acknowledge);

    public void Requeue(ulong deliveryTag) => Settle(deliveryTag, Outcome.Requeue);

    /// <summary>Sends what is settled, including what waits behind unsettled deliveries, and stops.</summary>
    public async Task CompleteAsync()
    {
        _doorbell.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private void Settle(ulong deliveryTag, Outcome outcome)
    {
        lock (_gate)
        {
            _settled[deliveryTag] = outcome;
        }

        _doorbell.Writer.TryWrite(true);
    }

    private async Task WriteAsync()
    {
        var reader = _doorbell.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            reader.TryRead(out _);
            await SendRoundAsync(everything: false).ConfigureAwait(false);
        }

        await SendRoundAsync(everything: true).ConfigureAwait(false);
    }

    private async Task SendRoundAsync(bool everything)
    {
        lock (_gate)
        {
            CollectRound(everything);
        }

        try
        {
            foreach (var (tag, multiple, requeue) in _round)
            {
                await _send(tag, multiple, requeue).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is AlreadyClosedException or OperationInterruptedException or IOException or ObjectDisposedException)
        {
            // The channel closed: the broker requeues everything it had not been told about.
        }
        finally
        {
            _round.Clear();
        }
    }

    private void CollectRound(bool everything)
    {
        ulong? acknowledgeUpTo = null;
        while (_unsettled.TryPeek(out var head) && _settled.Remove(head, out var outcome))
        {
            _unsettled.Dequeue();
            if (outcome == Outcome.Acknowledge)
            {
                acknowledgeUpTo = head;
            }
            else if (outcome == Outcome.Requeue)
            {
                if (acknowledgeUpTo is { } upTo)
                {
                    _round.Add((upTo, true, false));
                    acknowledgeUpTo = null;
                }

                _round.Add((head, false, true));
            }
        }

        if (acknowledgeUpTo is { } last)
        {
            _round.Add((last, true, false));
        }

        var waiting = 0;
        foreach (var outcome in _settled.Values)
        {
            waiting += outcome == Outcome.Sent ? 0 : 1;
        }

        if (waiting == 0 || (!everything && waiting <= _mostHeld))
        {
            return;
        }

        // Settled behind a delivery still being handled: one by one, and remembered as sent so that the head's
        // later multiple acknowledgement passes over them.
        var first = _round.Count;
        foreach (var (tag, outcome) in _settled)
        {
            if (outcome != Outcome.Sent)
            {
                _round.Add((tag, false, outcome == Outcome.Requeue));
            }
        }

        for (var i = first; i < _round.Count; i++)
        {
            _settled[_round[i].Tag] = Outcome.Sent;
        }
    }
}
