using System.Collections.Concurrent;
using Switchboard.Messages;
using Switchboard.Transport;

namespace Switchboard.Sqlite.Tests.Ordering;

/// <summary>An ordered queue delivers the messages of one key one at a time, in send order; keyless ones as any queue.</summary>
public sealed class OrderedQueueTests : IAsyncLifetime
{
    private OrderedQueue _queue = null!;

    public async Task InitializeAsync() => _queue = await OrderedQueue.StartAsync();

    public async Task DisposeAsync() => await _queue.DisposeAsync();

    [Fact]
    public async Task Two_receivers_never_hold_two_messages_of_one_key_and_each_key_goes_in_send_order()
    {
        const int PerKey = 25;
        string[] keys = ["a", "b", "c", "d"];
        for (var i = 0; i < PerKey; i++)
        {
            foreach (var key in keys)
            {
                await _queue.SendAsync($"{key}-{i:D2}", key);
            }
        }

        var held = new ConcurrentDictionary<string, string>();
        var overlaps = new ConcurrentQueue<string>();
        var handled = new ConcurrentDictionary<string, ConcurrentQueue<string>>();
        var remaining = PerKey * keys.Length;
        using var done = CancellationTokenSource.CreateLinkedTokenSource(_queue.Timeout);

        async Task ConsumeAsync(ITransportReceiver receiver)
        {
            try
            {
                while (true)
                {
                    var message = await receiver.ReceiveAsync(done.Token);
                    var key = message.Envelope.Headers[HeaderNames.OrderingKey];
                    if (!held.TryAdd(key, message.Envelope.MessageId))
                    {
                        overlaps.Enqueue($"{message.Envelope.MessageId} while {held[key]} was held");
                    }

                    handled.GetOrAdd(key, _ => new ConcurrentQueue<string>()).Enqueue(message.Envelope.MessageId);
                    await Task.Yield();
                    // Let go of the key before completing: from the completion on, the key's next one may arrive.
                    held.TryRemove(key, out _);
                    await message.CompleteAsync(CancellationToken.None);
                    if (Interlocked.Decrement(ref remaining) == 0)
                    {
                        await done.CancelAsync();
                    }
                }
            }
            catch (OperationCanceledException) when (done.IsCancellationRequested)
            {
                // All handled, or out of patience (the counts below tell).
            }
        }

        await using (var first = await _queue.ReceiverAsync(prefetch: 8))
        await using (var second = await _queue.ReceiverAsync(prefetch: 8))
        {
            await Task.WhenAll(ConsumeAsync(first), ConsumeAsync(second));
        }

        Assert.Empty(overlaps);
        Assert.Equal(0, remaining);
        foreach (var key in keys)
        {
            Assert.Equal(Enumerable.Range(0, PerKey).Select(i => $"{key}-{i:D2}"), handled[key]);
        }
    }

    [Fact]
    public async Task A_keys_next_message_waits_while_its_earlier_one_is_held_and_other_keys_go_on()
    {
        await _queue.SendAllAsync(("a1", "a"), ("b1", "b"), ("a2", "a"), ("b2", "b"), ("a3", "a"));
        await using var receiver = await _queue.ReceiverAsync();

        var a1 = await _queue.ReceiveAsync(receiver);
        var b1 = await _queue.ReceiveAsync(receiver);
        Assert.Equal(["a1", "b1"], [a1.Envelope.MessageId, b1.Envelope.MessageId]);
        await b1.CompleteAsync(_queue.Timeout);
        Assert.Equal(["b2"], await _queue.ReceiveUntilMarkerAsync(receiver));
        Assert.Equal(["null", "null"], _queue.Query("SELECT lease FROM sb_messages WHERE message_id IN ('a2', 'a3')"));

        await a1.CompleteAsync(_queue.Timeout);
        Assert.Equal(["a2", "a3"], await _queue.ReceiveAndCompleteAsync(receiver, 2));
    }

    [Fact]
    public async Task Messages_behind_more_waiting_rows_than_a_claim_looks_at_are_claimed_all_the_same()
    {
        // 200 messages of key "busy" whose first one is held: far more than the rows a claim of 4 looks at first
        // (OrderedClaim.WindowPerMessage per message wanted), then a message of another key and one without a key.
        var busy = Enumerable.Range(0, 200).Select(i => ($"busy-{i:D3}", (string?)"busy")).ToArray();
        await _queue.SendAllAsync(busy);
        await _queue.SendAllAsync(("other-1", "other"), ("keyless-1", null));
        var holder = await _queue.ReceiverAsync(prefetch: 1);
        var held = await _queue.ReceiveAsync(holder);
        Assert.Equal("busy-000", held.Envelope.MessageId);

        await using var receiver = await _queue.ReceiverAsync(prefetch: 4);

        Assert.Equal(["keyless-1", "other-1"], (await _queue.ReceiveAndCompleteAsync(receiver, 2)).Order(StringComparer.Ordinal));
        // The holder may take busy-001 before it stops; stopping gives it back, still first of its key.
        await held.CompleteAsync(_queue.Timeout);
        await holder.DisposeAsync();
        Assert.Equal(busy.Skip(1).Select(m => m.Item1), await _queue.ReceiveAndCompleteAsync(receiver, 199));
    }

    [Fact]
    public async Task Keyless_messages_of_an_ordered_queue_are_delivered_together()
    {
        await _queue.SendAllAsync(("a1", "a"), ("a2", "a"), ("n1", null), ("n2", null), ("n3", null));
        await using var receiver = await _queue.ReceiverAsync();

        var held = new List<IncomingMessage>();
        for (var i = 0; i < 4; i++)
        {
            held.Add(await _queue.ReceiveAsync(receiver));
        }

        Assert.Equal(["a1", "n1", "n2", "n3"], held.Select(m => m.Envelope.MessageId));
        Assert.Equal(["null"], _queue.Query("SELECT lease FROM sb_messages WHERE message_id = 'a2'"));
        foreach (var message in held)
        {
            await message.CompleteAsync(_queue.Timeout);
        }

        Assert.Equal(["a2"], await _queue.ReceiveAndCompleteAsync(receiver, 1));
    }

    [Fact]
    public async Task A_message_waiting_for_a_delayed_retry_holds_its_key()
    {
        await _queue.SendAllAsync(("a1", "a"), ("a2", "a"));
        await using var receiver = await _queue.ReceiverAsync();
        var first = await _queue.ReceiveAsync(receiver);
        Assert.Equal("a1", first.Envelope.MessageId);

        // a2 is ready all along: were a1's key free while it waits, a2 would come first.
        await first.DeferAsync(TimeSpan.FromMilliseconds(300), first.Envelope, _queue.Timeout);

        var again = await _queue.ReceiveAsync(receiver);
        Assert.Equal(("a1", 2), (again.Envelope.MessageId, again.DeliveryCount));
        await again.CompleteAsync(_queue.Timeout);
        Assert.Equal(["a2"], await _queue.ReceiveAndCompleteAsync(receiver, 1));
    }

    [Fact]
    public async Task A_scheduled_message_does_not_hold_its_key_until_it_is_due_and_then_waits_its_turn()
    {
        var due = DateTimeOffset.UtcNow.AddMilliseconds(400);
        await _queue.SendAsync("a-scheduled", "a", due);
        await _queue.SendAsync("a-now", "a");
        await using var receiver = await _queue.ReceiverAsync();

        var now = await _queue.ReceiveAsync(receiver);
        Assert.Equal("a-now", now.Envelope.MessageId);
        await OrderedQueue.WaitUntilAsync(() => DateTimeOffset.UtcNow > due.AddMilliseconds(50), "the scheduled message is due");
        Assert.Empty(await _queue.ReceiveUntilMarkerAsync(receiver));

        await now.CompleteAsync(_queue.Timeout);
        Assert.Equal(["a-scheduled"], await _queue.ReceiveAndCompleteAsync(receiver, 1));
    }

    [Fact]
    public async Task An_abandoned_message_is_delivered_again_before_its_keys_later_messages()
    {
        await _queue.SendAllAsync(("a1", "a"), ("a2", "a"));
        await using var receiver = await _queue.ReceiverAsync();
        var first = await _queue.ReceiveAsync(receiver);

        await first.AbandonAsync(_queue.Timeout);

        var again = await _queue.ReceiveAsync(receiver);
        Assert.Equal(("a1", 2), (again.Envelope.MessageId, again.DeliveryCount));
        await again.CompleteAsync(_queue.Timeout);
        Assert.Equal(["a2"], await _queue.ReceiveAndCompleteAsync(receiver, 1));
    }

    [Fact]
    public async Task A_message_whose_lease_expired_is_claimed_again_before_its_keys_later_messages()
    {
        await _queue.SendAllAsync(("a1", "a"), ("a2", "a"));
        // Full while it holds a1, so it claims nothing more: it stands for a consumer that stopped responding.
        await using var stalled = await _queue.ReceiverAsync(prefetch: 1);
        var lost = await _queue.ReceiveAsync(stalled);
        Assert.Equal("a1", lost.Envelope.MessageId);

        // As if its consumer died: the lease (30 s, renewed every 10 s) ends now.
        _queue.Execute("UPDATE sb_messages SET visible_at = 0 WHERE message_id = 'a1'");
        await using var other = await _queue.ReceiverAsync();

        var again = await _queue.ReceiveAsync(other);
        Assert.Equal(("a1", 2), (again.Envelope.MessageId, again.DeliveryCount));
        Assert.Empty(await _queue.ReceiveUntilMarkerAsync(other));
        await again.CompleteAsync(_queue.Timeout);
        Assert.Equal(["a2"], await _queue.ReceiveAndCompleteAsync(other, 1));
        Assert.Empty(_queue.Query("SELECT message_id FROM sb_messages WHERE message_id = 'a1'"));
    }

    [Fact]
    public async Task Messages_for_an_idle_receiver_of_an_ordered_queue_are_claimed_not_handed_off()
    {
        using var handOffs = new TaggedCounter("switchboard.sqlite.writer.hand_offs", "messaging.destination.name", _queue.Name);
        await using var receiver = await _queue.ReceiverAsync();
        for (var i = 0; i < 20; i++)
        {
            await _queue.SendAsync($"m{i}", "a");
            Assert.Equal([$"m{i}"], await _queue.ReceiveAndCompleteAsync(receiver, 1));
        }

        Assert.Equal(0, handOffs.Total);
    }

    [Fact]
    public async Task A_queue_declared_again_without_ordered_is_unordered()
    {
        await _queue.Transport.DeclareEndpointAsync(new EndpointDeclaration(_queue.Name, []));
        Assert.Equal(["0"], _queue.Query($"SELECT ordered FROM sb_queues WHERE name = '{_queue.Name}'"));
        await _queue.SendAllAsync(("a1", "a"), ("a2", "a"));
        await using var receiver = await _queue.ReceiverAsync();

        var first = await _queue.ReceiveAsync(receiver);
        var second = await _queue.ReceiveAsync(receiver);

        Assert.Equal(["a1", "a2"], [first.Envelope.MessageId, second.Envelope.MessageId]);
        Assert.Equal(["a", "a"], _queue.Query("SELECT ordering_key FROM sb_messages ORDER BY seq"));
    }
}
