using System.Threading.Channels;
using global::RabbitMQ.Client;
using global::RabbitMQ.Client.Events;
using Microsoft.Extensions.Logging;
using Switchboard.Messages;
using Switchboard.RabbitMQ.Topology;

namespace Switchboard.RabbitMQ.Ordering;

/// <summary>
/// Consumes one partition of an ordered endpoint and keeps its keys in order: it hands out only the head of each key's
/// line, keeps retries and abandons in the process (the broker would requeue them behind the key's later messages),
/// parks a key whose message is dead-lettered (its later messages go to the key's parked queue), drains a parked key
/// when its dead letter is re-driven or skipped, and gives the partition up when another instance owns it.
/// </summary>
/// <remarks>
/// Everything that changes a partition's state runs one event at a time on this consumer's loop (deliveries,
/// settlements, due retries, rebalancing, a lost channel), so the order of a key's messages never depends on threads.
/// The broker makes one consumer of a partition active (single active consumer) and hands the partition over only when
/// that consumer's channel closes: the messages it had not acknowledged then go to the next one first, in order.
/// </remarks>
internal sealed class PartitionConsumer : IAsyncDisposable
{
    private readonly OrderedReceiver _owner;
    private readonly int _index;
    private readonly string _partitionQueue;
    private readonly Channel<object> _events = Channel.CreateUnbounded<object>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Dictionary<string, KeyLine> _lines = new(StringComparer.Ordinal);
    private readonly Dictionary<string, ParkState> _parked = new(StringComparer.Ordinal);
    private readonly HashSet<OrderedDelivery> _handedOut = [];
    private readonly List<string> _advancing = []; // keys whose holder completed, waiting for the broker to have its acknowledgement
    private bool _confirming; // a round trip is under way for the keys that completed before it
    private readonly CancellationTokenSource _stopping = new();
    private PartitionSubscription? _subscription; // the loop's view
    private volatile PartitionSubscription? _receiving; // the client's dispatcher's view
    private bool _loaded;
    private bool _releasing;
    private Task _loop = Task.CompletedTask;

    private PartitionConsumer(OrderedReceiver owner, int index)
    {
        _owner = owner;
        _index = index;
        _partitionQueue = OrderingNames.Partition(owner.Queue, index);
    }

    public string Queue => _owner.Queue;

    public static async Task<PartitionConsumer> StartAsync(OrderedReceiver owner, int index, CancellationToken cancellationToken)
    {
        var partition = new PartitionConsumer(owner, index);
        await partition.SubscribeAsync(cancellationToken).ConfigureAwait(false);
        partition._loop = Task.Run(partition.RunAsync, CancellationToken.None);
        return partition;
    }

    /// <summary>Takes a handler's settlement; a dead letter completes when it is stored and its key parked.</summary>
    public ValueTask SettleAsync(Settlement settlement)
    {
        // After the partition stopped, its channel is closed and the broker has the message back: nothing to wait for.
        if (!_events.Writer.TryWrite(settlement))
        {
            return ValueTask.CompletedTask;
        }

        return settlement.Kind == SettlementKind.DeadLetter ? new ValueTask(settlement.Done.Task) : ValueTask.CompletedTask;
    }

    /// <summary>Tells the partition whether this instance owns it; one that does not gives it up once it held it a while.</summary>
    public void Rebalance(bool owned) => _events.Writer.TryWrite(new Rebalancing(owned));

    public async ValueTask DisposeAsync()
    {
        _events.Writer.TryWrite(Stop.Instance);
        await _loop.ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task SubscribeAsync(CancellationToken cancellationToken)
    {
        var connection = await _owner.PartitionConnectionAsync(cancellationToken).ConfigureAwait(false);
        var channel = await connection.CreateChannelAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            var prefetch = (ushort)Math.Clamp(_owner.Prefetch, 1, ushort.MaxValue);
            await channel.BasicQosAsync(0, prefetch, global: false, cancellationToken).ConfigureAwait(false);
            var subscription = new PartitionSubscription(channel, prefetch);
            channel.ChannelShutdownAsync += (_, e) => OnShutdownAsync(channel, e);
            var consumer = new AsyncEventingBasicConsumer(channel);
            consumer.ReceivedAsync += (_, delivery) => OnReceivedAsync(channel, delivery);
            _subscription = subscription;
            _receiving = subscription;
            await channel.BasicConsumeAsync(_partitionQueue, autoAck: false, consumer, cancellationToken).ConfigureAwait(false);
            Trace("subscribed on channel", channel.ChannelNumber);
        }
        catch
        {
            await channel.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private Task OnReceivedAsync(IChannel channel, BasicDeliverEventArgs delivery)
    {
        var subscription = _receiving;
        if (subscription is null || !ReferenceEquals(subscription.Channel, channel))
        {
            return Task.CompletedTask; // a channel this partition left: it is being closed, and the broker takes it back
        }

        // The client reuses the body's memory after this returns.
        var envelope = AmqpEnvelope.FromDelivery(delivery.BasicProperties, delivery.Body.ToArray());
        var count = AmqpEnvelope.Deliveries(delivery.BasicProperties, delivery.Redelivered);
        _events.Writer.TryWrite(new OrderedDelivery(this, subscription, delivery.DeliveryTag, envelope, count, _owner.Route, delivery.Exchange, delivery.RoutingKey));
        return Task.CompletedTask;
    }

    // Our own closes need nothing. Any other end of the channel (the broker closed it, or the connection was lost: the
    // partitions' connection is not recovered by the client) ends the subscription, and the partition subscribes again
    // on a new channel, on a new connection if need be, once it can.
    private Task OnShutdownAsync(IChannel channel, ShutdownEventArgs e)
    {
        if (e.Initiator == ShutdownInitiator.Application || !ReferenceEquals(_receiving?.Channel, channel))
        {
            return Task.CompletedTask;
        }

        _receiving = null;
        _events.Writer.TryWrite(new Lost(channel));
        return Task.CompletedTask;
    }

    private static async Task CloseQuietlyAsync(IChannel channel)
    {
        try
        {
            await channel.CloseAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // Closed already, or the connection is down: either way the broker has what it held.
        }

        await channel.DisposeAsync().ConfigureAwait(false);
    }

    private async Task RunAsync()
    {
        var reader = _events.Reader;
        while (await reader.WaitToReadAsync().ConfigureAwait(false))
        {
            for (var handled = 0; handled < EventsPerConfirmation && reader.TryRead(out var next); handled++)
            {
                if (next is Stop)
                {
                    await CloseAsync().ConfigureAwait(false);
                    return;
                }

                try
                {
                    await HandleAsync(next).ConfigureAwait(false);
                    (next as Settlement)?.Done.TrySetResult();
                }
                catch (Exception e) when (!_stopping.IsCancellationRequested)
                {
                    (next as Settlement)?.Done.TrySetException(e);
                    await StartOverAsync(e).ConfigureAwait(false);
                }
                catch (Exception e)
                {
                    (next as Settlement)?.Done.TrySetException(e);
                }
            }

            StartConfirming();
        }
    }

    // One round trip confirms the acknowledgements of all the keys completed before it started; their next messages go
    // out when it returns (Confirmed). The loop goes on meanwhile, handing out other keys' messages: a partition waits
    // for the broker only per key, never as a whole.
    private void StartConfirming()
    {
        if (_confirming || _advancing.Count == 0 || _subscription is not { } subscription)
        {
            return;
        }

        _confirming = true;
        var keys = _advancing.ToArray();
        _advancing.Clear();
        _ = subscription.ConfirmAsync(_stopping.Token).ContinueWith(
            static (confirmed, state) =>
            {
                var (events, done) = ((ChannelWriter<object>, Confirmed))state!;
                events.TryWrite(done with { Failure = confirmed.Exception?.InnerException });
            },
            (_events.Writer, new Confirmed(subscription, keys, null)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private async Task OnConfirmedAsync(Confirmed confirmed)
    {
        if (!ReferenceEquals(confirmed.Subscription, _subscription))
        {
            return; // the subscription ended meanwhile, and its keys with it
        }

        _confirming = false;
        if (confirmed.Failure is { } failure)
        {
            throw failure; // the loop starts the partition over
        }

        foreach (var key in confirmed.Keys)
        {
            await AdvanceAsync(key).ConfigureAwait(false);
        }
    }

    // A broker operation failed (an acknowledgement, a publish, the parking log, a parked queue): start over from what
    // the broker holds. Closing the channel returns every unacknowledged message to the partition, in order.
    private async Task StartOverAsync(Exception failure)
    {
        _owner.Logger.LogWarning(failure, "Partition {Partition} of {Queue} starts over from the broker's state after a failure; its unacknowledged messages return in order", _partitionQueue, Queue);
        await RestartAsync().ConfigureAwait(false);
    }

    private Task HandleAsync(object next) => next switch
    {
        OrderedDelivery delivery => OnDeliveredAsync(delivery),
        Settlement settlement => OnSettledAsync(settlement),
        RetryDue due => OnRetryDueAsync(due.Delivery),
        Rebalancing rebalancing => OnRebalancingAsync(rebalancing.Owned),
        Lost lost => OnLostAsync(lost.Channel),
        Confirmed confirmed => OnConfirmedAsync(confirmed),
        _ => Task.CompletedTask,
    };

    private async Task OnDeliveredAsync(OrderedDelivery delivery)
    {
        if (!IsCurrent(delivery))
        {
            return; // from a subscription that ended: the broker has it back
        }

        var subscription = delivery.Subscription;
        if (!subscription.Active)
        {
            Trace("active", null);
            subscription.Active = true;
            subscription.ActiveSince = _owner.Time.GetTimestamp();
        }

        if (!_loaded)
        {
            await LoadParkedKeysAsync().ConfigureAwait(false);
            _loaded = true;
        }

        if (_releasing)
        {
            return; // unacknowledged: it goes back to the partition, in order, when the channel closes
        }

        if (OrderingSkip.IsSkip(delivery.Envelope))
        {
            await OnSkipAsync(delivery).ConfigureAwait(false);
            return;
        }

        var key = delivery.Key;
        if (key is null)
        {
            HandOut(delivery);
            return;
        }

        if (_parked.TryGetValue(key, out var parked))
        {
            await OnParkedKeysMessageAsync(delivery, key, parked).ConfigureAwait(false);
            return;
        }

        if (_lines.TryGetValue(key, out var line))
        {
            line.Waiting.Enqueue(delivery);
            return;
        }

        _lines[key] = new KeyLine(delivery);
        HandOut(delivery);
    }

    private async Task OnParkedKeysMessageAsync(OrderedDelivery delivery, string key, ParkState parked)
    {
        var isHead = delivery.Envelope.MessageId == parked.DeadLetterId;
        if (parked.Draining)
        {
            if (isHead)
            {
                // Another copy of the re-driven dead letter: the key began to drain only after it was handled.
                await AcknowledgeAsync(delivery).ConfigureAwait(false);
                return;
            }

            Line(key).Waiting.Enqueue(delivery);
            return;
        }

        if (isHead && !parked.HeadOut)
        {
            // The dead letter, re-driven: it runs first, then the messages its key kept.
            parked.HeadOut = true;
            _lines[key] = new KeyLine(delivery);
            HandOut(delivery);
            return;
        }

        await ParkAsync(key, delivery).ConfigureAwait(false);
    }

    private async Task OnSkipAsync(OrderedDelivery control)
    {
        if (OrderingSkip.TryRead(control.Envelope, out var key, out var deadLetterId) && _parked.TryGetValue(key, out var parked) && !parked.HeadOut && parked.DeadLetterId == deadLetterId)
        {
            if (parked.Draining)
            {
                await KeepOrAcknowledgeAsync(parked, control).ConfigureAwait(false);
                return;
            }

            await _owner.Log.AppendAsync(ParkingRecord.Draining(key, deadLetterId), _stopping.Token).ConfigureAwait(false);
            await SendWakeUpAsync(key, deadLetterId).ConfigureAwait(false);
            parked.Draining = true;
            _lines[key] = new KeyLine(null);
            await AcknowledgeAsync(control).ConfigureAwait(false);
            await DrainNextAsync(key).ConfigureAwait(false);
            return;
        }

        await AcknowledgeAsync(control).ConfigureAwait(false); // for a key that is not parked (any more) by that dead letter
    }

    private async Task OnSettledAsync(Settlement settlement)
    {
        var delivery = settlement.Delivery;
        _handedOut.Remove(delivery);
        if (!IsCurrent(delivery))
        {
            // Its subscription ended, so the broker has the message back: the key it held is free for what came since.
            await ReleaseGhostAsync(delivery).ConfigureAwait(false);
        }
        else
        {
            switch (settlement.Kind)
            {
                case SettlementKind.Complete:
                    await CompleteAsync(delivery).ConfigureAwait(false);
                    break;
                case SettlementKind.Abandon:
                    OfferAgain(delivery, delivery.Again(), TimeSpan.Zero);
                    break;
                case SettlementKind.Defer:
                    OfferAgain(delivery, delivery.Again(settlement.Changed), settlement.Delay);
                    break;
                case SettlementKind.DeadLetter:
                    await DeadLetterAsync(delivery, settlement.Reason!).ConfigureAwait(false);
                    break;
            }
        }

        if (_releasing)
        {
            await TryFinishReleaseAsync().ConfigureAwait(false);
        }
    }

    private async Task CompleteAsync(OrderedDelivery delivery)
    {
        if (delivery.Key is not { } key)
        {
            await AcknowledgeAsync(delivery).ConfigureAwait(false);
            return;
        }

        if (_parked.TryGetValue(key, out var parked) && parked.HeadOut && !parked.Draining)
        {
            // The re-driven dead letter is done; the log says so before the partition forgets it, so that an instance
            // taking over drains the key instead of waiting for it again.
            await _owner.Log.AppendAsync(ParkingRecord.Draining(key, parked.DeadLetterId), _stopping.Token).ConfigureAwait(false);
            await SendWakeUpAsync(key, parked.DeadLetterId).ConfigureAwait(false);
            parked.Draining = true;
            parked.HeadOut = false;
            await AcknowledgeAsync(delivery).ConfigureAwait(false);
            Line(key).Holder = null;
            await DrainNextAsync(key).ConfigureAwait(false);
            return;
        }

        await AcknowledgeAsync(delivery).ConfigureAwait(false);
        if (delivery.Parked is null)
        {
            _advancing.Add(key);
            return;
        }

        await AdvanceAsync(key).ConfigureAwait(false);
    }

    // The key's holder left: the next message of a draining key comes from its parked queue, otherwise from its line.
    private async Task AdvanceAsync(string key)
    {
        if (_parked.TryGetValue(key, out var parked) && parked.Draining)
        {
            Line(key).Holder = null;
            await DrainNextAsync(key).ConfigureAwait(false);
            return;
        }

        NextInLine(key);
    }

    private void NextInLine(string key)
    {
        if (!_lines.TryGetValue(key, out var line))
        {
            return;
        }

        if (!line.Waiting.TryDequeue(out var next))
        {
            _lines.Remove(key);
            return;
        }

        line.Holder = next;
        if (!_releasing)
        {
            HandOut(next);
        }
    }

    private async Task DrainNextAsync(string key)
    {
        if (_releasing || !_parked.TryGetValue(key, out var parked))
        {
            return; // the next consumer reads from the log that the key drains
        }

        parked.Reader ??= await _owner.ParkedMessages.OpenAsync(key, _stopping.Token).ConfigureAwait(false);
        if (await parked.Reader.NextAsync(_stopping.Token).ConfigureAwait(false) is { } message)
        {
            var delivery = FromParkedQueue(message);
            Line(key).Holder = delivery;
            HandOut(delivery);
            return;
        }

        // Drained: released in the log first, so that the worst a crash here leaves is an empty queue.
        await parked.Reader.DisposeAsync().ConfigureAwait(false);
        parked.Reader = null;
        await _owner.Log.AppendAsync(ParkingRecord.Released(key), _stopping.Token).ConfigureAwait(false);
        _parked.Remove(key);
        if (_owner.Logger.IsEnabled(LogLevel.Information))
        {
            _owner.Logger.LogInformation("Key {Key} of {Queue} is released: its parked messages ran", key, Queue);
        }

        await _owner.ParkedMessages.DeleteAsync(key, _stopping.Token).ConfigureAwait(false);
        await LetGoOfWakeUpAsync(parked).ConfigureAwait(false);
        Line(key).Holder = null;
        NextInLine(key);
    }

    // A consumer learns that it became active on a partition only from a delivery, and a draining key has nothing in
    // the partition (its head was acknowledged, the rest is in its parked queue). So a drain, when it begins or resumes,
    // sends the key a wake-up: a skip naming the dead letter it drains, which does nothing to a key that drains, was
    // released or is parked by another dead letter. The consumer keeps one unacknowledged until the release; should it
    // die or hand the partition over mid-drain, the wake-up goes back to the partition, and its delivery makes the next
    // active consumer read the log and drain on, however quiet the partition.
    private ValueTask SendWakeUpAsync(string key, string deadLetterId) =>
        _owner.Publisher.PublishAsync(RabbitMqTopology.SendExchange(Queue), "", OrderingSkip.For(key, deadLetterId), mandatory: true, _stopping.Token);

    private async Task KeepOrAcknowledgeAsync(ParkState draining, OrderedDelivery wakeUp)
    {
        if (draining.WakeUp is null)
        {
            draining.WakeUp = wakeUp;
            return;
        }

        await AcknowledgeAsync(wakeUp).ConfigureAwait(false); // one is enough
    }

    // A late copy does no harm: no need to wait for the broker.
    private async Task LetGoOfWakeUpAsync(ParkState drained)
    {
        if (drained.WakeUp is { } wakeUp)
        {
            drained.WakeUp = null;
            await AcknowledgeAsync(wakeUp).ConfigureAwait(false);
        }
    }

    private async Task DeadLetterAsync(OrderedDelivery delivery, DeadLetterReason reason)
    {
        var original = WithoutRoute(delivery.Envelope);
        var stamped = reason.Stamp(original, Queue, DateTimeOffset.UtcNow);
        var deadLetters = RabbitMqTopology.SendExchange(RabbitMqTransport.DeadLetterQueueOf(Queue));
        if (delivery.Key is not { } key)
        {
            await _owner.Publisher.PublishAsync(deadLetters, "", stamped, mandatory: true, _stopping.Token).ConfigureAwait(false);
            await AcknowledgeAsync(delivery).ConfigureAwait(false);
            return;
        }

        // Its key parks, recorded first: whoever consumes the partition next knows, and should this consumer die before
        // the acknowledgement, takes the message coming back for the parked head (its id is the dead letter's).
        await _owner.Log.AppendAsync(ParkingRecord.Parked(key, original.MessageId), _stopping.Token).ConfigureAwait(false);
        await _owner.Publisher.PublishAsync(deadLetters, "", stamped, mandatory: true, _stopping.Token).ConfigureAwait(false);
        await AcknowledgeAsync(delivery).ConfigureAwait(false);
        if (_parked.TryGetValue(key, out var previous))
        {
            // A drained message failed: the rest stay in the queue, in order, and the drain's wake-up is done with.
            if (previous.Reader is { } reader)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }

            await LetGoOfWakeUpAsync(previous).ConfigureAwait(false);
        }

        _parked[key] = new ParkState(original.MessageId);
        _owner.Logger.LogWarning("Key {Key} of {Queue} is parked by dead letter {DeadLetterId}: its later messages wait until it is re-driven or deleted", key, Queue, original.MessageId);
        if (_lines.Remove(key, out var line))
        {
            // What came through the partition while the key drained follows the queue's messages.
            foreach (var waiting in line.Waiting)
            {
                await ParkAsync(key, waiting).ConfigureAwait(false);
            }
        }
    }

    private async Task ParkAsync(string key, OrderedDelivery delivery)
    {
        // The route it came by goes along: a parked message is checked against it when it is handled.
        var envelope = delivery.Envelope.WithHeaders(
        [
            new(ParkedExchangeHeader, delivery.Exchange),
            new(ParkedRoutingKeyHeader, delivery.RoutingKey),
        ]);
        await _owner.ParkedMessages.ParkAsync(key, envelope, _stopping.Token).ConfigureAwait(false);
        await AcknowledgeAsync(delivery).ConfigureAwait(false);

        // Before the key's next message is parked: were this acknowledgement lost with a crash, the message would come
        // back and be parked again behind it.
        await delivery.Subscription.ConfirmAsync(_stopping.Token).ConfigureAwait(false);
    }

    private OrderedDelivery FromParkedQueue(ParkedMessage message)
    {
        var envelope = message.Envelope;
        var exchange = envelope.Headers.GetValueOrDefault(ParkedExchangeHeader) ?? "";
        var routingKey = envelope.Headers.GetValueOrDefault(ParkedRoutingKeyHeader) ?? "";
        return new OrderedDelivery(this, _subscription!, 0, WithoutRoute(envelope), 1, _owner.Route, exchange, routingKey) { Parked = message };
    }

    private static Envelope WithoutRoute(Envelope envelope) =>
        envelope.Headers.ContainsKey(ParkedExchangeHeader) ? envelope.WithoutHeaders(ParkedExchangeHeader, ParkedRoutingKeyHeader) : envelope;

    private void OfferAgain(OrderedDelivery previous, OrderedDelivery again, TimeSpan delay)
    {
        if (previous.Key is { } key && _lines.TryGetValue(key, out var line) && ReferenceEquals(line.Holder, previous))
        {
            line.Holder = again;
        }

        if (delay <= TimeSpan.Zero)
        {
            _events.Writer.TryWrite(new RetryDue(again));
            return;
        }

        _ = Task.Delay(delay, _owner.Time, _stopping.Token).ContinueWith(
            static (waited, state) =>
            {
                var (events, due) = ((ChannelWriter<object>, RetryDue))state!;
                if (waited.IsCompletedSuccessfully)
                {
                    events.TryWrite(due);
                }
            },
            (_events.Writer, new RetryDue(again)),
            CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously,
            TaskScheduler.Default);
    }

    private Task OnRetryDueAsync(OrderedDelivery again)
    {
        var holds = again.Key is not { } key || (_lines.TryGetValue(key, out var line) && ReferenceEquals(line.Holder, again));
        if (IsCurrent(again) && holds && !_releasing)
        {
            HandOut(again);
        }

        return Task.CompletedTask;
    }

    private async Task OnRebalancingAsync(bool owned)
    {
        // Held for two announcement intervals at least: an instance that just took a partition over from one that died
        // must not hand it back while the dead one still looks alive.
        if (owned || _releasing || _subscription is not { Active: true } subscription
            || _owner.Time.GetElapsedTime(subscription.ActiveSince) < 2 * _owner.AnnouncementInterval)
        {
            return;
        }

        _releasing = true;
        Trace("releasing to its owner", null);
        await TryFinishReleaseAsync().ConfigureAwait(false);
    }

    // Once the handlers of this subscription's messages are done, close its channel (the broker activates the next
    // consumer, which gets what was not acknowledged first) and subscribe again, at the back of the line.
    private async Task TryFinishReleaseAsync()
    {
        foreach (var delivery in _handedOut)
        {
            if (IsCurrent(delivery))
            {
                return;
            }
        }

        await RestartAsync().ConfigureAwait(false);
    }

    private async Task OnLostAsync(IChannel channel)
    {
        if (!ReferenceEquals(_subscription?.Channel, channel))
        {
            return;
        }

        Trace("lost channel", channel.ChannelNumber);
        await RestartAsync().ConfigureAwait(false);
    }

    private async Task RestartAsync()
    {
        await CloseSubscriptionAsync().ConfigureAwait(false);
        Reset(null);
        await ResubscribeAsync().ConfigureAwait(false);
    }

    private async Task ResubscribeAsync()
    {
        for (var attempt = 0; !_stopping.IsCancellationRequested; attempt++)
        {
            try
            {
                if (attempt > 0)
                {
                    await Task.Delay(TimeSpan.FromMilliseconds(Math.Min(2_000, 100 * attempt)), _owner.Time, _stopping.Token).ConfigureAwait(false);
                }

                await SubscribeAsync(_stopping.Token).ConfigureAwait(false);
                return;
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The connection is down or recovering, or the broker refused (a partition deleted meanwhile): a
                // partition that stopped subscribing would stall its keys for good, so keep trying.
                if (attempt % 30 == 0)
                {
                    _owner.Logger.LogWarning(e, "Subscribing to partition {Partition} of {Queue} failed; trying again", _partitionQueue, Queue);
                }
            }
        }
    }

    private async Task CloseSubscriptionAsync()
    {
        if (_subscription is not { } subscription)
        {
            return;
        }

        _receiving = null;
        await CloseQuietlyAsync(subscription.Channel).ConfigureAwait(false);
    }

    // A new subscription (or none yet): what the old one held is the broker's again, except the keys whose handlers still
    // run, which stay held until those finish, so that a message's redelivered copy never runs beside it.
    private void Reset(PartitionSubscription? next)
    {
        _subscription = next;
        _loaded = false;
        _releasing = false;
        _advancing.Clear();
        _confirming = false;
        foreach (var parked in _parked.Values)
        {
            parked.Reader?.DisposeAsync().AsTask().ContinueWith(static t => _ = t.Exception, TaskScheduler.Default);
        }

        _parked.Clear();
        foreach (var (key, line) in _lines.ToList())
        {
            if (line.Holder is { } holder && _handedOut.Contains(holder))
            {
                line.Waiting.Clear();
            }
            else
            {
                _lines.Remove(key);
            }
        }
    }

    private async Task ReleaseGhostAsync(OrderedDelivery ghost)
    {
        if (ghost.Key is { } key && _lines.TryGetValue(key, out var line) && ReferenceEquals(line.Holder, ghost))
        {
            await AdvanceAsync(key).ConfigureAwait(false);
        }
    }

    private async Task LoadParkedKeysAsync()
    {
        foreach (var state in await _owner.Log.ReadAsync(_stopping.Token).ConfigureAwait(false))
        {
            if (OrderingNames.PartitionOf(state.Key, _owner.Partitions) == _index)
            {
                _parked[state.Key] = new ParkState(state.DeadLetterId) { Draining = state.Draining };
            }
        }

        // A key that was draining when the last consumer left drains on (one whose handler still runs, once it is done),
        // with a wake-up of its own: the last consumer may have left before it sent one.
        foreach (var (key, parked) in _parked.ToList())
        {
            if (!parked.Draining)
            {
                continue;
            }

            await SendWakeUpAsync(key, parked.DeadLetterId).ConfigureAwait(false);
            if (!_lines.ContainsKey(key))
            {
                _lines[key] = new KeyLine(null);
                await DrainNextAsync(key).ConfigureAwait(false);
            }
        }
    }

    private async Task CloseAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await CloseSubscriptionAsync().ConfigureAwait(false);

        foreach (var parked in _parked.Values)
        {
            if (parked.Reader is { } reader)
            {
                await reader.DisposeAsync().ConfigureAwait(false);
            }
        }

        _events.Writer.TryComplete();
        while (_events.Reader.TryRead(out var left))
        {
            (left as Settlement)?.Done.TrySetResult();
        }
    }

    // A parked queue's message is read with basic.get, a synchronous method, on the same channel: the next read comes
    // after its acknowledgement was processed, so it needs no confirmation of its own.
    private ValueTask AcknowledgeAsync(OrderedDelivery delivery) =>
        delivery.Parked is { } message ? message.AckAsync(_stopping.Token) : delivery.Subscription.AcknowledgeAsync(delivery.DeliveryTag, _stopping.Token);

    private void HandOut(OrderedDelivery delivery)
    {
        _handedOut.Add(delivery);
        _owner.HandOut(delivery);
    }

    private void Trace(string what, object? detail)
    {
        if (_owner.Logger.IsEnabled(LogLevel.Debug))
        {
            _owner.Logger.LogDebug("Partition {Partition}: {What} {Detail}", _partitionQueue, what, detail);
        }
    }

    private bool IsCurrent(OrderedDelivery delivery) => ReferenceEquals(delivery.Subscription, _subscription);

    private KeyLine Line(string key)
    {
        if (!_lines.TryGetValue(key, out var line))
        {
            _lines[key] = line = new KeyLine(null);
        }

        return line;
    }

    // Settlements taken in before their keys' next messages go out: enough to share a round trip among many keys, few
    // enough that a busy partition does not hold its keys back long.
    private const int EventsPerConfirmation = 256;

    private const string ParkedExchangeHeader = "sb-parked-exchange";
    private const string ParkedRoutingKeyHeader = "sb-parked-routing-key";

    /// <summary>A key's message that is out (null while a drain fetches the next) and the ones waiting behind it.</summary>
    private sealed class KeyLine(OrderedDelivery? holder)
    {
        public OrderedDelivery? Holder { get; set; } = holder;

        public Queue<OrderedDelivery> Waiting { get; } = new();
    }

    /// <summary>A parked key: its dead letter, whether that is out again (re-driven), and whether its parked queue drains (with its wake-up).</summary>
    private sealed class ParkState(string deadLetterId)
    {
        public string DeadLetterId { get; } = deadLetterId;

        public bool HeadOut { get; set; }

        public bool Draining { get; set; }

        /// <summary>While it drains: a skip of its dead letter, kept unacknowledged so that a crash or a hand-over leaves the partition a delivery.</summary>
        public OrderedDelivery? WakeUp { get; set; }

        public ParkedReader? Reader { get; set; }
    }

    private sealed record RetryDue(OrderedDelivery Delivery);

    private sealed record Rebalancing(bool Owned);

    private sealed record Lost(IChannel Channel);

    private sealed record Confirmed(PartitionSubscription Subscription, string[] Keys, Exception? Failure);

    private sealed class Stop
    {
        public static readonly Stop Instance = new();
    }
}
